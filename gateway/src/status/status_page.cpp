// The status page. Its style and script are inline so that the gateway serves one document and
// nothing else; the Content-Security-Policy allows exactly these two blocks by their SHA-256
// hashes (no 'unsafe-inline'), and the script writes peer-influenced text (client names) with
// textContent only, never as markup.
#include <openssl/evp.h>

#include <array>
#include <string>
#include <string_view>

#include "status_render.hpp"

namespace ctigw::gateway::status {

namespace {

constexpr std::string_view head = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ctigw-gateway status</title>
<style>)";

constexpr std::string_view style = R"(
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f3f5f8; }
header { background: #1d2733; color: #fff; padding: 12px 24px; display: flex;
         align-items: baseline; gap: 16px; }
header h1 { font-size: 20px; margin: 0; }
header .sub { color: #b8c4d2; font-size: 13px; }
main { padding: 16px 24px; }
.banner { background: #b3261e; color: #fff; padding: 10px 24px; font-weight: 600; }
.hidden { display: none; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
.tile { background: #fff; border-radius: 8px; padding: 12px 14px;
        box-shadow: 0 1px 2px rgba(0, 0, 0, .12); }
.tile .label { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #5b6b7d; }
.tile .value { font-size: 30px; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .detail { font-size: 12px; color: #5b6b7d; min-height: 1.4em; }
.tile.up { border-left: 8px solid #1e8e3e; }
.tile.up .value { color: #1e8e3e; }
.tile.down { border-left: 8px solid #b3261e; background: #fdecea; }
.tile.down .value { color: #b3261e; }
.tables { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px;
          margin-top: 16px; }
section.card { background: #fff; border-radius: 8px; padding: 8px 14px;
               box-shadow: 0 1px 2px rgba(0, 0, 0, .12); }
h2 { font-size: 14px; margin: 6px 0; color: #5b6b7d; text-transform: uppercase; }
table { border-collapse: collapse; width: 100%; }
td { padding: 3px 0; border-top: 1px solid #e4e8ee; overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; padding-left: 12px; }
td.none { color: #8a97a6; font-style: italic; }
footer { padding: 0 24px 16px; font-size: 12px; color: #5b6b7d; }
body.stale .tiles, body.stale .tables { opacity: .55; }
)";

constexpr std::string_view body = R"(</style>
</head>
<body>
<header><h1>ctigw-gateway</h1><span class="sub" id="gateway">connecting...</span></header>
<div id="error" class="banner hidden" role="alert"></div>
<main>
<div class="tiles">
  <div class="tile" id="backend-tile"><div class="label">Backend</div>
    <div class="value" id="backend-state">?</div><div class="detail" id="backend-detail"></div></div>
  <div class="tile"><div class="label">Sessions open</div>
    <div class="value" id="sessions-open">-</div><div class="detail" id="sessions-accepted"></div></div>
  <div class="tile"><div class="label">Devices monitored</div>
    <div class="value" id="devices-monitored">-</div><div class="detail" id="monitors"></div></div>
  <div class="tile"><div class="label">Active calls</div>
    <div class="value" id="active-calls">-</div><div class="detail"></div></div>
  <div class="tile"><div class="label">Events/s</div>
    <div class="value" id="events-per-second">-</div><div class="detail" id="events-sent"></div></div>
</div>
<div class="tables">
  <section class="card"><h2>Sessions by client</h2><table><tbody id="clients"></tbody></table></section>
  <section class="card"><h2>Counters</h2><table><tbody id="counters"></tbody></table></section>
  <section class="card"><h2>Requests by service</h2><table><tbody id="services"></tbody></table></section>
</div>
</main>
<footer>Last update: <span id="last-update">never</span> &middot; updates: <span id="updates">0</span>
&middot; uptime: <span id="uptime">-</span> &middot; <a href="metrics">metrics</a></footer>
<script>)";

constexpr std::string_view script = R"(
'use strict';
(function () {
  const el = (id) => document.getElementById(id);
  const set = (id, v) => { el(id).textContent = String(v); };
  let updates = 0;

  const counterNames = [
    ['framesReceived', 'Frames received'], ['framesSent', 'Frames sent'],
    ['eventsSent', 'Events sent'], ['eventsEncoded', 'Events encoded'],
    ['malformedReceived', 'Malformed frames'], ['slowConsumersDropped', 'Slow consumers dropped'],
    ['tlsHandshakeFailures', 'TLS handshake failures'],
    ['authenticationFailures', 'Authentication failures'], ['accessRefusals', 'Access refusals']];

  function rows(id, entries, empty) {
    const trs = entries.map(([k, v]) => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = k;
      const num = document.createElement('td');
      num.className = 'num';
      num.textContent = String(v);
      tr.append(name, num);
      return tr;
    });
    if (trs.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.className = 'none';
      td.textContent = empty;
      tr.append(td);
      trs.push(tr);
    }
    el(id).replaceChildren(...trs);
  }

  function duration(s) {
    s = Math.floor(s);
    const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24;
    const m = Math.floor(s / 60) % 60, sec = s % 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + sec + 's';
  }

  function render(st) {
    set('gateway', 'version ' + st.gateway.version + ' \u00b7 instance ' + st.gateway.instance);
    const up = st.backend.status === 'up';
    const tile = el('backend-tile');
    tile.classList.toggle('up', up);
    tile.classList.toggle('down', !up);
    set('backend-state', up ? 'UP' : 'DOWN');
    set('backend-detail', st.backend.kind + ' \u00b7 instance ' + st.backend.instance);
    set('sessions-open', st.sessions.open);
    set('sessions-accepted', st.sessions.accepted + ' accepted since start');
    set('devices-monitored', st.devicesMonitored);
    set('monitors', st.monitors + ' monitors');
    set('active-calls', st.activeCalls);
    set('events-per-second', Number(st.eventsPerSecond).toFixed(1));
    set('events-sent', st.counters.eventsSent + ' events sent');
    rows('clients', Object.entries(st.sessions.byClient), 'no clients configured');
    rows('counters', counterNames.map(([key, label]) => [label, st.counters[key]]), '');
    rows('services', Object.entries(st.requestsByService), 'no requests yet');
    set('uptime', duration(st.gateway.uptimeSeconds));
    set('last-update', new Date().toLocaleTimeString());
    set('updates', ++updates);
  }

  function fail(why) {
    const banner = el('error');
    banner.textContent = 'Status unavailable (' + why + '); the figures below are stale.';
    banner.classList.remove('hidden');
    document.body.classList.add('stale');
  }

  async function refresh() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 5000);
    try {
      const res = await fetch('status.json', { cache: 'no-store', signal: abort.signal });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      render(await res.json());
      el('error').classList.add('hidden');
      document.body.classList.remove('stale');
    } catch (e) {
      fail(e && e.name === 'AbortError' ? 'no answer' : (e && e.message) || String(e));
    } finally {
      clearTimeout(timer);
      setTimeout(refresh, 1000);
    }
  }
  refresh();
})();
)";

constexpr std::string_view tail = R"(</script>
</body>
</html>
)";

std::string sha256_base64(std::string_view s) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(s.data(), s.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) return {};
    std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> out{};
    const int n = EVP_EncodeBlock(out.data(), md.data(), static_cast<int>(len));
    return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

}  // namespace

std::string_view status_page_html() {
    static const std::string page = std::string(head) + std::string(style) + std::string(body) +
                                    std::string(script) + std::string(tail);
    return page;
}

const std::string& content_security_policy() {
    // A failed digest leaves an empty hash: the browser then refuses the script (fails closed).
    static const std::string csp = "default-src 'none'; script-src 'sha256-" +
                                   sha256_base64(script) + "'; style-src 'sha256-" +
                                   sha256_base64(style) +
                                   "'; connect-src 'self'; img-src 'self'; base-uri 'none'; "
                                   "form-action 'none'; frame-ancestors 'none'";
    return csp;
}

}  // namespace ctigw::gateway::status
