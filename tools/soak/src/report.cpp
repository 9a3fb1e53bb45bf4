// The soak's CSV and plot (report.hpp).
#include "ctigw/soak/report.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ctigw::soak {

namespace {
/// A path inside single quotes for gnuplot (which has no escape for a quote there).
std::string quoted(const std::filesystem::path& p) {
    std::string s = p.string();
    std::string out = "'";
    for (char c : s) out += c == '\'' ? '_' : c;
    return out + "'";
}
}  // namespace

std::string write_csv(const std::filesystem::path& file, const std::vector<sample>& samples) {
    std::ofstream out(file);
    out << "t_s,calls_per_s,events_per_s,rss_mib,requests_in_flight,fault\n";
    for (const auto& s : samples) {
        out << s.t << ',' << s.calls_per_second << ',' << s.events_per_second << ',' << s.rss_mib
            << ',' << s.in_flight << ',' << s.fault << '\n';
    }
    out.close();
    return out ? std::string() : "cannot write " + file.string();
}

std::string plot_script(const std::filesystem::path& csv, const std::filesystem::path& png,
                        const std::vector<sample>& samples, const std::string& title) {
    std::ostringstream g;
    g << "set terminal pngcairo size 1400,1100 font 'sans,10'\n"
      << "set output " << quoted(png) << "\n"
      << "set datafile separator ','\n"
      << "set key off\nset grid\n"
      << "set multiplot layout 4,1 title " << quoted(title) << "\n"
      << "set xlabel 'seconds'\n";
    // Faults as vertical lines on every panel; faint when there are many (a long run).
    std::size_t faults = 0;
    for (const auto& s : samples) faults += s.fault.empty() ? 0u : 1u;
    const char* style = faults > 40 ? "lc rgb '#b0cc3333' lw 0.5" : "lc rgb '#cc3333' dt 2";
    int n = 1;
    for (const auto& s : samples) {
        if (s.fault.empty()) continue;
        g << "set arrow " << n++ << " from " << s.t << ", graph 0 to " << s.t << ", graph 1 nohead "
          << style << "\n";
    }
    const auto panel = [&](int column, const char* label, const char* colour) {
        g << "set ylabel '" << label << "'\n"
          << "plot " << quoted(csv) << " using 1:" << column
          << " every ::1 with lines lw 1.5 lc rgb '" << colour << "'\n";
    };
    panel(2, "calls/s", "#1f77b4");
    panel(3, "events/s", "#2ca02c");
    panel(4, "RSS MiB", "#9467bd");
    panel(5, "requests in flight", "#ff7f0e");
    g << "unset multiplot\n";
    return g.str();
}

std::string draw_plot(const std::filesystem::path& csv, const std::filesystem::path& png,
                      const std::vector<sample>& samples, const std::string& title) {
    auto script = png;
    script.replace_extension(".gp");
    {
        std::ofstream out(script);
        out << plot_script(csv, png, samples, title);
        if (!out) return "cannot write " + script.string();
    }
    const std::string cmd = "gnuplot " + quoted(script) + " 2>&1";
    const int rc = std::system(cmd.c_str());
    if (rc != 0) return "gnuplot failed (exit " + std::to_string(rc) + "): is gnuplot installed?";
    return {};
}

}  // namespace ctigw::soak
