// The single table the ABI check is generated from: every structure our non-Windows TAPI header
// declares, with every member in declaration order. abi_gen.cpp turns it into _Static_asserts on
// sizeof/alignof/offsetof/member size, and refuses to run if the members listed do not tile the
// structure (so a member missing here is an error, not a silent gap).
//
// S(type, packed): packed = 1 for tapi.h structures (#pragma pack(1)), 0 for natural alignment.
// M(type, member): member designator, nested members allowed (a.b).
// T(type): a scalar/pointer/handle type whose size, alignment and signedness are checked.
// clang-format off
#pragma once

#define CTIGW_ABI_TYPES(T) \
    T(BYTE) \
    T(WORD) \
    T(DWORD) \
    T(LONG) \
    T(ULONG) \
    T(INT) \
    T(UINT) \
    T(BOOL) \
    T(LONGLONG) \
    T(ULONGLONG) \
    T(CHAR) \
    T(WCHAR) \
    T(DWORD_PTR) \
    T(ULONG_PTR) \
    T(UINT_PTR) \
    T(LONG_PTR) \
    T(INT_PTR) \
    T(SIZE_T) \
    T(WPARAM) \
    T(LPARAM) \
    T(LRESULT) \
    T(LPBYTE) \
    T(LPWORD) \
    T(LPDWORD) \
    T(LPLONG) \
    T(LPBOOL) \
    T(LPSTR) \
    T(LPCSTR) \
    T(LPWSTR) \
    T(LPCWSTR) \
    T(LPVOID) \
    T(LPCVOID) \
    T(HANDLE) \
    T(LPHANDLE) \
    T(HWND) \
    T(HICON) \
    T(HINSTANCE) \
    T(HMODULE) \
    T(LPGUID) \
    T(HCALL) \
    T(LPHCALL) \
    T(HCALLHUB) \
    T(HLINE) \
    T(LPHLINE) \
    T(HPHONE) \
    T(HLINEAPP) \
    T(HPHONEAPP) \
    T(HAGENTSESSION) \
    T(HAGENT) \
    T(CURRENCY) \
    T(DATE) \
    T(HPRIVATECHANNEL) \
    T(LPHICON) \
    T(LINECALLBACK) \
    T(PHONECALLBACK) \
    T(HDRVCALL) \
    T(HDRVLINE) \
    T(HDRVPHONE) \
    T(HDRVMSPLINE) \
    T(HDRVDIALOGINSTANCE) \
    T(LPHDRVCALL) \
    T(LPHDRVLINE) \
    T(LPHDRVPHONE) \
    T(LPHDRVDIALOGINSTANCE) \
    T(LPHDRVMSPLINE) \
    T(HTAPICALL) \
    T(HTAPILINE) \
    T(HTAPIPHONE) \
    T(HTAPIDIALOGINSTANCE) \
    T(HTAPIMSPLINE) \
    T(LPHTAPICALL) \
    T(LPHTAPILINE) \
    T(LPHTAPIPHONE) \
    T(LPHTAPIDIALOGINSTANCE) \
    T(LPHTAPIMSPLINE) \
    T(HPROVIDER) \
    T(LPHPROVIDER) \
    T(DRV_REQUESTID) \
    T(ASYNC_COMPLETION) \
    T(LINEEVENT) \
    T(PHONEEVENT) \
    T(TUISPIDLLCALLBACK) \

#define CTIGW_ABI_STRUCTS(S, M, U) \
    S(GUID, 0) \
    M(GUID, Data1) \
    M(GUID, Data2) \
    M(GUID, Data3) \
    M(GUID, Data4) \
    S(SYSTEMTIME, 0) \
    M(SYSTEMTIME, wYear) \
    M(SYSTEMTIME, wMonth) \
    M(SYSTEMTIME, wDayOfWeek) \
    M(SYSTEMTIME, wDay) \
    M(SYSTEMTIME, wHour) \
    M(SYSTEMTIME, wMinute) \
    M(SYSTEMTIME, wSecond) \
    M(SYSTEMTIME, wMilliseconds) \
    S(LINEADDRESSCAPS, 1) \
    M(LINEADDRESSCAPS, dwTotalSize) \
    M(LINEADDRESSCAPS, dwNeededSize) \
    M(LINEADDRESSCAPS, dwUsedSize) \
    M(LINEADDRESSCAPS, dwLineDeviceID) \
    M(LINEADDRESSCAPS, dwAddressSize) \
    M(LINEADDRESSCAPS, dwAddressOffset) \
    M(LINEADDRESSCAPS, dwDevSpecificSize) \
    M(LINEADDRESSCAPS, dwDevSpecificOffset) \
    M(LINEADDRESSCAPS, dwAddressSharing) \
    M(LINEADDRESSCAPS, dwAddressStates) \
    M(LINEADDRESSCAPS, dwCallInfoStates) \
    M(LINEADDRESSCAPS, dwCallerIDFlags) \
    M(LINEADDRESSCAPS, dwCalledIDFlags) \
    M(LINEADDRESSCAPS, dwConnectedIDFlags) \
    M(LINEADDRESSCAPS, dwRedirectionIDFlags) \
    M(LINEADDRESSCAPS, dwRedirectingIDFlags) \
    M(LINEADDRESSCAPS, dwCallStates) \
    M(LINEADDRESSCAPS, dwDialToneModes) \
    M(LINEADDRESSCAPS, dwBusyModes) \
    M(LINEADDRESSCAPS, dwSpecialInfo) \
    M(LINEADDRESSCAPS, dwDisconnectModes) \
    M(LINEADDRESSCAPS, dwMaxNumActiveCalls) \
    M(LINEADDRESSCAPS, dwMaxNumOnHoldCalls) \
    M(LINEADDRESSCAPS, dwMaxNumOnHoldPendingCalls) \
    M(LINEADDRESSCAPS, dwMaxNumConference) \
    M(LINEADDRESSCAPS, dwMaxNumTransConf) \
    M(LINEADDRESSCAPS, dwAddrCapFlags) \
    M(LINEADDRESSCAPS, dwCallFeatures) \
    M(LINEADDRESSCAPS, dwRemoveFromConfCaps) \
    M(LINEADDRESSCAPS, dwRemoveFromConfState) \
    M(LINEADDRESSCAPS, dwTransferModes) \
    M(LINEADDRESSCAPS, dwParkModes) \
    M(LINEADDRESSCAPS, dwForwardModes) \
    M(LINEADDRESSCAPS, dwMaxForwardEntries) \
    M(LINEADDRESSCAPS, dwMaxSpecificEntries) \
    M(LINEADDRESSCAPS, dwMinFwdNumRings) \
    M(LINEADDRESSCAPS, dwMaxFwdNumRings) \
    M(LINEADDRESSCAPS, dwMaxCallCompletions) \
    M(LINEADDRESSCAPS, dwCallCompletionConds) \
    M(LINEADDRESSCAPS, dwCallCompletionModes) \
    M(LINEADDRESSCAPS, dwNumCompletionMessages) \
    M(LINEADDRESSCAPS, dwCompletionMsgTextEntrySize) \
    M(LINEADDRESSCAPS, dwCompletionMsgTextSize) \
    M(LINEADDRESSCAPS, dwCompletionMsgTextOffset) \
    M(LINEADDRESSCAPS, dwAddressFeatures) \
    M(LINEADDRESSCAPS, dwPredictiveAutoTransferStates) \
    M(LINEADDRESSCAPS, dwNumCallTreatments) \
    M(LINEADDRESSCAPS, dwCallTreatmentListSize) \
    M(LINEADDRESSCAPS, dwCallTreatmentListOffset) \
    M(LINEADDRESSCAPS, dwDeviceClassesSize) \
    M(LINEADDRESSCAPS, dwDeviceClassesOffset) \
    M(LINEADDRESSCAPS, dwMaxCallDataSize) \
    M(LINEADDRESSCAPS, dwCallFeatures2) \
    M(LINEADDRESSCAPS, dwMaxNoAnswerTimeout) \
    M(LINEADDRESSCAPS, dwConnectedModes) \
    M(LINEADDRESSCAPS, dwOfferingModes) \
    M(LINEADDRESSCAPS, dwAvailableMediaModes) \
    S(LINEADDRESSSTATUS, 1) \
    M(LINEADDRESSSTATUS, dwTotalSize) \
    M(LINEADDRESSSTATUS, dwNeededSize) \
    M(LINEADDRESSSTATUS, dwUsedSize) \
    M(LINEADDRESSSTATUS, dwNumInUse) \
    M(LINEADDRESSSTATUS, dwNumActiveCalls) \
    M(LINEADDRESSSTATUS, dwNumOnHoldCalls) \
    M(LINEADDRESSSTATUS, dwNumOnHoldPendCalls) \
    M(LINEADDRESSSTATUS, dwAddressFeatures) \
    M(LINEADDRESSSTATUS, dwNumRingsNoAnswer) \
    M(LINEADDRESSSTATUS, dwForwardNumEntries) \
    M(LINEADDRESSSTATUS, dwForwardSize) \
    M(LINEADDRESSSTATUS, dwForwardOffset) \
    M(LINEADDRESSSTATUS, dwTerminalModesSize) \
    M(LINEADDRESSSTATUS, dwTerminalModesOffset) \
    M(LINEADDRESSSTATUS, dwDevSpecificSize) \
    M(LINEADDRESSSTATUS, dwDevSpecificOffset) \
    S(LINEAGENTACTIVITYENTRY, 1) \
    M(LINEAGENTACTIVITYENTRY, dwID) \
    M(LINEAGENTACTIVITYENTRY, dwNameSize) \
    M(LINEAGENTACTIVITYENTRY, dwNameOffset) \
    S(LINEAGENTACTIVITYLIST, 1) \
    M(LINEAGENTACTIVITYLIST, dwTotalSize) \
    M(LINEAGENTACTIVITYLIST, dwNeededSize) \
    M(LINEAGENTACTIVITYLIST, dwUsedSize) \
    M(LINEAGENTACTIVITYLIST, dwNumEntries) \
    M(LINEAGENTACTIVITYLIST, dwListSize) \
    M(LINEAGENTACTIVITYLIST, dwListOffset) \
    S(LINEAGENTCAPS, 1) \
    M(LINEAGENTCAPS, dwTotalSize) \
    M(LINEAGENTCAPS, dwNeededSize) \
    M(LINEAGENTCAPS, dwUsedSize) \
    M(LINEAGENTCAPS, dwAgentHandlerInfoSize) \
    M(LINEAGENTCAPS, dwAgentHandlerInfoOffset) \
    M(LINEAGENTCAPS, dwCapsVersion) \
    M(LINEAGENTCAPS, dwFeatures) \
    M(LINEAGENTCAPS, dwStates) \
    M(LINEAGENTCAPS, dwNextStates) \
    M(LINEAGENTCAPS, dwMaxNumGroupEntries) \
    M(LINEAGENTCAPS, dwAgentStatusMessages) \
    M(LINEAGENTCAPS, dwNumAgentExtensionIDs) \
    M(LINEAGENTCAPS, dwAgentExtensionIDListSize) \
    M(LINEAGENTCAPS, dwAgentExtensionIDListOffset) \
    M(LINEAGENTCAPS, ProxyGUID) \
    S(LINEAGENTGROUPENTRY, 1) \
    M(LINEAGENTGROUPENTRY, GroupID.dwGroupID1) \
    M(LINEAGENTGROUPENTRY, GroupID.dwGroupID2) \
    M(LINEAGENTGROUPENTRY, GroupID.dwGroupID3) \
    M(LINEAGENTGROUPENTRY, GroupID.dwGroupID4) \
    M(LINEAGENTGROUPENTRY, dwNameSize) \
    M(LINEAGENTGROUPENTRY, dwNameOffset) \
    S(LINEAGENTGROUPLIST, 1) \
    M(LINEAGENTGROUPLIST, dwTotalSize) \
    M(LINEAGENTGROUPLIST, dwNeededSize) \
    M(LINEAGENTGROUPLIST, dwUsedSize) \
    M(LINEAGENTGROUPLIST, dwNumEntries) \
    M(LINEAGENTGROUPLIST, dwListSize) \
    M(LINEAGENTGROUPLIST, dwListOffset) \
    S(LINEAGENTSTATUS, 1) \
    M(LINEAGENTSTATUS, dwTotalSize) \
    M(LINEAGENTSTATUS, dwNeededSize) \
    M(LINEAGENTSTATUS, dwUsedSize) \
    M(LINEAGENTSTATUS, dwNumEntries) \
    M(LINEAGENTSTATUS, dwGroupListSize) \
    M(LINEAGENTSTATUS, dwGroupListOffset) \
    M(LINEAGENTSTATUS, dwState) \
    M(LINEAGENTSTATUS, dwNextState) \
    M(LINEAGENTSTATUS, dwActivityID) \
    M(LINEAGENTSTATUS, dwActivitySize) \
    M(LINEAGENTSTATUS, dwActivityOffset) \
    M(LINEAGENTSTATUS, dwAgentFeatures) \
    M(LINEAGENTSTATUS, dwValidStates) \
    M(LINEAGENTSTATUS, dwValidNextStates) \
    S(LINEAPPINFO, 1) \
    M(LINEAPPINFO, dwMachineNameSize) \
    M(LINEAPPINFO, dwMachineNameOffset) \
    M(LINEAPPINFO, dwUserNameSize) \
    M(LINEAPPINFO, dwUserNameOffset) \
    M(LINEAPPINFO, dwModuleFilenameSize) \
    M(LINEAPPINFO, dwModuleFilenameOffset) \
    M(LINEAPPINFO, dwFriendlyNameSize) \
    M(LINEAPPINFO, dwFriendlyNameOffset) \
    M(LINEAPPINFO, dwMediaModes) \
    M(LINEAPPINFO, dwAddressID) \
    S(LINEAGENTENTRY, 1) \
    M(LINEAGENTENTRY, hAgent) \
    M(LINEAGENTENTRY, dwNameSize) \
    M(LINEAGENTENTRY, dwNameOffset) \
    M(LINEAGENTENTRY, dwIDSize) \
    M(LINEAGENTENTRY, dwIDOffset) \
    M(LINEAGENTENTRY, dwPINSize) \
    M(LINEAGENTENTRY, dwPINOffset) \
    S(LINEAGENTINFO, 1) \
    M(LINEAGENTINFO, dwTotalSize) \
    M(LINEAGENTINFO, dwNeededSize) \
    M(LINEAGENTINFO, dwUsedSize) \
    M(LINEAGENTINFO, dwAgentState) \
    M(LINEAGENTINFO, dwNextAgentState) \
    M(LINEAGENTINFO, dwMeasurementPeriod) \
    M(LINEAGENTINFO, cyOverallCallRate) \
    M(LINEAGENTINFO, dwNumberOfACDCalls) \
    M(LINEAGENTINFO, dwNumberOfIncomingCalls) \
    M(LINEAGENTINFO, dwNumberOfOutgoingCalls) \
    M(LINEAGENTINFO, dwTotalACDTalkTime) \
    M(LINEAGENTINFO, dwTotalACDCallTime) \
    M(LINEAGENTINFO, dwTotalACDWrapUpTime) \
    S(LINEAGENTLIST, 1) \
    M(LINEAGENTLIST, dwTotalSize) \
    M(LINEAGENTLIST, dwNeededSize) \
    M(LINEAGENTLIST, dwUsedSize) \
    M(LINEAGENTLIST, dwNumEntries) \
    M(LINEAGENTLIST, dwListSize) \
    M(LINEAGENTLIST, dwListOffset) \
    S(LINEAGENTSESSIONENTRY, 1) \
    M(LINEAGENTSESSIONENTRY, hAgentSession) \
    M(LINEAGENTSESSIONENTRY, hAgent) \
    M(LINEAGENTSESSIONENTRY, GroupID) \
    M(LINEAGENTSESSIONENTRY, dwWorkingAddressID) \
    S(LINEAGENTSESSIONINFO, 1) \
    M(LINEAGENTSESSIONINFO, dwTotalSize) \
    M(LINEAGENTSESSIONINFO, dwNeededSize) \
    M(LINEAGENTSESSIONINFO, dwUsedSize) \
    M(LINEAGENTSESSIONINFO, dwAgentSessionState) \
    M(LINEAGENTSESSIONINFO, dwNextAgentSessionState) \
    M(LINEAGENTSESSIONINFO, dateSessionStartTime) \
    M(LINEAGENTSESSIONINFO, dwSessionDuration) \
    M(LINEAGENTSESSIONINFO, dwNumberOfCalls) \
    M(LINEAGENTSESSIONINFO, dwTotalTalkTime) \
    M(LINEAGENTSESSIONINFO, dwAverageTalkTime) \
    M(LINEAGENTSESSIONINFO, dwTotalCallTime) \
    M(LINEAGENTSESSIONINFO, dwAverageCallTime) \
    M(LINEAGENTSESSIONINFO, dwTotalWrapUpTime) \
    M(LINEAGENTSESSIONINFO, dwAverageWrapUpTime) \
    M(LINEAGENTSESSIONINFO, cyACDCallRate) \
    M(LINEAGENTSESSIONINFO, dwLongestTimeToAnswer) \
    M(LINEAGENTSESSIONINFO, dwAverageTimeToAnswer) \
    S(LINEAGENTSESSIONLIST, 1) \
    M(LINEAGENTSESSIONLIST, dwTotalSize) \
    M(LINEAGENTSESSIONLIST, dwNeededSize) \
    M(LINEAGENTSESSIONLIST, dwUsedSize) \
    M(LINEAGENTSESSIONLIST, dwNumEntries) \
    M(LINEAGENTSESSIONLIST, dwListSize) \
    M(LINEAGENTSESSIONLIST, dwListOffset) \
    S(LINEQUEUEENTRY, 1) \
    M(LINEQUEUEENTRY, dwQueueID) \
    M(LINEQUEUEENTRY, dwNameSize) \
    M(LINEQUEUEENTRY, dwNameOffset) \
    S(LINEQUEUELIST, 1) \
    M(LINEQUEUELIST, dwTotalSize) \
    M(LINEQUEUELIST, dwNeededSize) \
    M(LINEQUEUELIST, dwUsedSize) \
    M(LINEQUEUELIST, dwNumEntries) \
    M(LINEQUEUELIST, dwListSize) \
    M(LINEQUEUELIST, dwListOffset) \
    S(LINEQUEUEINFO, 1) \
    M(LINEQUEUEINFO, dwTotalSize) \
    M(LINEQUEUEINFO, dwNeededSize) \
    M(LINEQUEUEINFO, dwUsedSize) \
    M(LINEQUEUEINFO, dwMeasurementPeriod) \
    M(LINEQUEUEINFO, dwTotalCallsQueued) \
    M(LINEQUEUEINFO, dwCurrentCallsQueued) \
    M(LINEQUEUEINFO, dwTotalCallsAbandoned) \
    M(LINEQUEUEINFO, dwTotalCallsFlowedIn) \
    M(LINEQUEUEINFO, dwTotalCallsFlowedOut) \
    M(LINEQUEUEINFO, dwLongestEverWaitTime) \
    M(LINEQUEUEINFO, dwCurrentLongestWaitTime) \
    M(LINEQUEUEINFO, dwAverageWaitTime) \
    M(LINEQUEUEINFO, dwFinalDisposition) \
    S(LINEPROXYREQUEST, 1) \
    M(LINEPROXYREQUEST, dwSize) \
    M(LINEPROXYREQUEST, dwClientMachineNameSize) \
    M(LINEPROXYREQUEST, dwClientMachineNameOffset) \
    M(LINEPROXYREQUEST, dwClientUserNameSize) \
    M(LINEPROXYREQUEST, dwClientUserNameOffset) \
    M(LINEPROXYREQUEST, dwClientAppAPIVersion) \
    M(LINEPROXYREQUEST, dwRequestType) \
    U(LINEPROXYREQUEST, SetAgentGroup.dwAddressID) \
    M(LINEPROXYREQUEST, SetAgentGroup.GroupList) \
    U(LINEPROXYREQUEST, SetAgentState.dwAddressID) \
    M(LINEPROXYREQUEST, SetAgentState.dwAgentState) \
    M(LINEPROXYREQUEST, SetAgentState.dwNextAgentState) \
    U(LINEPROXYREQUEST, SetAgentActivity.dwAddressID) \
    M(LINEPROXYREQUEST, SetAgentActivity.dwActivityID) \
    U(LINEPROXYREQUEST, GetAgentCaps.dwAddressID) \
    M(LINEPROXYREQUEST, GetAgentCaps.AgentCaps) \
    U(LINEPROXYREQUEST, GetAgentStatus.dwAddressID) \
    M(LINEPROXYREQUEST, GetAgentStatus.AgentStatus) \
    U(LINEPROXYREQUEST, AgentSpecific.dwAddressID) \
    M(LINEPROXYREQUEST, AgentSpecific.dwAgentExtensionIDIndex) \
    M(LINEPROXYREQUEST, AgentSpecific.dwSize) \
    M(LINEPROXYREQUEST, AgentSpecific.Params) \
    U(LINEPROXYREQUEST, GetAgentActivityList.dwAddressID) \
    M(LINEPROXYREQUEST, GetAgentActivityList.ActivityList) \
    U(LINEPROXYREQUEST, GetAgentGroupList.dwAddressID) \
    M(LINEPROXYREQUEST, GetAgentGroupList.GroupList) \
    U(LINEPROXYREQUEST, CreateAgent.hAgent) \
    M(LINEPROXYREQUEST, CreateAgent.dwAgentIDSize) \
    M(LINEPROXYREQUEST, CreateAgent.dwAgentIDOffset) \
    M(LINEPROXYREQUEST, CreateAgent.dwAgentPINSize) \
    M(LINEPROXYREQUEST, CreateAgent.dwAgentPINOffset) \
    U(LINEPROXYREQUEST, SetAgentStateEx.hAgent) \
    M(LINEPROXYREQUEST, SetAgentStateEx.dwAgentState) \
    M(LINEPROXYREQUEST, SetAgentStateEx.dwNextAgentState) \
    U(LINEPROXYREQUEST, SetAgentMeasurementPeriod.hAgent) \
    M(LINEPROXYREQUEST, SetAgentMeasurementPeriod.dwMeasurementPeriod) \
    U(LINEPROXYREQUEST, GetAgentInfo.hAgent) \
    M(LINEPROXYREQUEST, GetAgentInfo.AgentInfo) \
    U(LINEPROXYREQUEST, CreateAgentSession.hAgentSession) \
    M(LINEPROXYREQUEST, CreateAgentSession.dwAgentPINSize) \
    M(LINEPROXYREQUEST, CreateAgentSession.dwAgentPINOffset) \
    M(LINEPROXYREQUEST, CreateAgentSession.hAgent) \
    M(LINEPROXYREQUEST, CreateAgentSession.GroupID) \
    M(LINEPROXYREQUEST, CreateAgentSession.dwWorkingAddressID) \
    U(LINEPROXYREQUEST, GetAgentSessionList.hAgent) \
    M(LINEPROXYREQUEST, GetAgentSessionList.SessionList) \
    U(LINEPROXYREQUEST, GetAgentSessionInfo.hAgentSession) \
    M(LINEPROXYREQUEST, GetAgentSessionInfo.SessionInfo) \
    U(LINEPROXYREQUEST, SetAgentSessionState.hAgentSession) \
    M(LINEPROXYREQUEST, SetAgentSessionState.dwAgentSessionState) \
    M(LINEPROXYREQUEST, SetAgentSessionState.dwNextAgentSessionState) \
    U(LINEPROXYREQUEST, GetQueueList.GroupID) \
    M(LINEPROXYREQUEST, GetQueueList.QueueList) \
    U(LINEPROXYREQUEST, SetQueueMeasurementPeriod.dwQueueID) \
    M(LINEPROXYREQUEST, SetQueueMeasurementPeriod.dwMeasurementPeriod) \
    U(LINEPROXYREQUEST, GetQueueInfo.dwQueueID) \
    M(LINEPROXYREQUEST, GetQueueInfo.QueueInfo) \
    U(LINEPROXYREQUEST, GetGroupList.GroupList) \
    S(LINEPROXYREQUESTLIST, 1) \
    M(LINEPROXYREQUESTLIST, dwTotalSize) \
    M(LINEPROXYREQUESTLIST, dwNeededSize) \
    M(LINEPROXYREQUESTLIST, dwUsedSize) \
    M(LINEPROXYREQUESTLIST, dwNumEntries) \
    M(LINEPROXYREQUESTLIST, dwListSize) \
    M(LINEPROXYREQUESTLIST, dwListOffset) \
    S(LINECALLHUBTRACKINGINFO, 1) \
    M(LINECALLHUBTRACKINGINFO, dwTotalSize) \
    M(LINECALLHUBTRACKINGINFO, dwNeededSize) \
    M(LINECALLHUBTRACKINGINFO, dwUsedSize) \
    M(LINECALLHUBTRACKINGINFO, dwAvailableTracking) \
    M(LINECALLHUBTRACKINGINFO, dwCurrentTracking) \
    S(LINEDIALPARAMS, 1) \
    M(LINEDIALPARAMS, dwDialPause) \
    M(LINEDIALPARAMS, dwDialSpeed) \
    M(LINEDIALPARAMS, dwDigitDuration) \
    M(LINEDIALPARAMS, dwWaitForDialtone) \
    S(LINECALLINFO, 1) \
    M(LINECALLINFO, dwTotalSize) \
    M(LINECALLINFO, dwNeededSize) \
    M(LINECALLINFO, dwUsedSize) \
    M(LINECALLINFO, hLine) \
    M(LINECALLINFO, dwLineDeviceID) \
    M(LINECALLINFO, dwAddressID) \
    M(LINECALLINFO, dwBearerMode) \
    M(LINECALLINFO, dwRate) \
    M(LINECALLINFO, dwMediaMode) \
    M(LINECALLINFO, dwAppSpecific) \
    M(LINECALLINFO, dwCallID) \
    M(LINECALLINFO, dwRelatedCallID) \
    M(LINECALLINFO, dwCallParamFlags) \
    M(LINECALLINFO, dwCallStates) \
    M(LINECALLINFO, dwMonitorDigitModes) \
    M(LINECALLINFO, dwMonitorMediaModes) \
    M(LINECALLINFO, DialParams) \
    M(LINECALLINFO, dwOrigin) \
    M(LINECALLINFO, dwReason) \
    M(LINECALLINFO, dwCompletionID) \
    M(LINECALLINFO, dwNumOwners) \
    M(LINECALLINFO, dwNumMonitors) \
    M(LINECALLINFO, dwCountryCode) \
    M(LINECALLINFO, dwTrunk) \
    M(LINECALLINFO, dwCallerIDFlags) \
    M(LINECALLINFO, dwCallerIDSize) \
    M(LINECALLINFO, dwCallerIDOffset) \
    M(LINECALLINFO, dwCallerIDNameSize) \
    M(LINECALLINFO, dwCallerIDNameOffset) \
    M(LINECALLINFO, dwCalledIDFlags) \
    M(LINECALLINFO, dwCalledIDSize) \
    M(LINECALLINFO, dwCalledIDOffset) \
    M(LINECALLINFO, dwCalledIDNameSize) \
    M(LINECALLINFO, dwCalledIDNameOffset) \
    M(LINECALLINFO, dwConnectedIDFlags) \
    M(LINECALLINFO, dwConnectedIDSize) \
    M(LINECALLINFO, dwConnectedIDOffset) \
    M(LINECALLINFO, dwConnectedIDNameSize) \
    M(LINECALLINFO, dwConnectedIDNameOffset) \
    M(LINECALLINFO, dwRedirectionIDFlags) \
    M(LINECALLINFO, dwRedirectionIDSize) \
    M(LINECALLINFO, dwRedirectionIDOffset) \
    M(LINECALLINFO, dwRedirectionIDNameSize) \
    M(LINECALLINFO, dwRedirectionIDNameOffset) \
    M(LINECALLINFO, dwRedirectingIDFlags) \
    M(LINECALLINFO, dwRedirectingIDSize) \
    M(LINECALLINFO, dwRedirectingIDOffset) \
    M(LINECALLINFO, dwRedirectingIDNameSize) \
    M(LINECALLINFO, dwRedirectingIDNameOffset) \
    M(LINECALLINFO, dwAppNameSize) \
    M(LINECALLINFO, dwAppNameOffset) \
    M(LINECALLINFO, dwDisplayableAddressSize) \
    M(LINECALLINFO, dwDisplayableAddressOffset) \
    M(LINECALLINFO, dwCalledPartySize) \
    M(LINECALLINFO, dwCalledPartyOffset) \
    M(LINECALLINFO, dwCommentSize) \
    M(LINECALLINFO, dwCommentOffset) \
    M(LINECALLINFO, dwDisplaySize) \
    M(LINECALLINFO, dwDisplayOffset) \
    M(LINECALLINFO, dwUserUserInfoSize) \
    M(LINECALLINFO, dwUserUserInfoOffset) \
    M(LINECALLINFO, dwHighLevelCompSize) \
    M(LINECALLINFO, dwHighLevelCompOffset) \
    M(LINECALLINFO, dwLowLevelCompSize) \
    M(LINECALLINFO, dwLowLevelCompOffset) \
    M(LINECALLINFO, dwChargingInfoSize) \
    M(LINECALLINFO, dwChargingInfoOffset) \
    M(LINECALLINFO, dwTerminalModesSize) \
    M(LINECALLINFO, dwTerminalModesOffset) \
    M(LINECALLINFO, dwDevSpecificSize) \
    M(LINECALLINFO, dwDevSpecificOffset) \
    M(LINECALLINFO, dwCallTreatment) \
    M(LINECALLINFO, dwCallDataSize) \
    M(LINECALLINFO, dwCallDataOffset) \
    M(LINECALLINFO, dwSendingFlowspecSize) \
    M(LINECALLINFO, dwSendingFlowspecOffset) \
    M(LINECALLINFO, dwReceivingFlowspecSize) \
    M(LINECALLINFO, dwReceivingFlowspecOffset) \
    M(LINECALLINFO, dwCallerIDAddressType) \
    M(LINECALLINFO, dwCalledIDAddressType) \
    M(LINECALLINFO, dwConnectedIDAddressType) \
    M(LINECALLINFO, dwRedirectionIDAddressType) \
    M(LINECALLINFO, dwRedirectingIDAddressType) \
    S(LINECALLLIST, 1) \
    M(LINECALLLIST, dwTotalSize) \
    M(LINECALLLIST, dwNeededSize) \
    M(LINECALLLIST, dwUsedSize) \
    M(LINECALLLIST, dwCallsNumEntries) \
    M(LINECALLLIST, dwCallsSize) \
    M(LINECALLLIST, dwCallsOffset) \
    S(LINECALLPARAMS, 1) \
    M(LINECALLPARAMS, dwTotalSize) \
    M(LINECALLPARAMS, dwBearerMode) \
    M(LINECALLPARAMS, dwMinRate) \
    M(LINECALLPARAMS, dwMaxRate) \
    M(LINECALLPARAMS, dwMediaMode) \
    M(LINECALLPARAMS, dwCallParamFlags) \
    M(LINECALLPARAMS, dwAddressMode) \
    M(LINECALLPARAMS, dwAddressID) \
    M(LINECALLPARAMS, DialParams) \
    M(LINECALLPARAMS, dwOrigAddressSize) \
    M(LINECALLPARAMS, dwOrigAddressOffset) \
    M(LINECALLPARAMS, dwDisplayableAddressSize) \
    M(LINECALLPARAMS, dwDisplayableAddressOffset) \
    M(LINECALLPARAMS, dwCalledPartySize) \
    M(LINECALLPARAMS, dwCalledPartyOffset) \
    M(LINECALLPARAMS, dwCommentSize) \
    M(LINECALLPARAMS, dwCommentOffset) \
    M(LINECALLPARAMS, dwUserUserInfoSize) \
    M(LINECALLPARAMS, dwUserUserInfoOffset) \
    M(LINECALLPARAMS, dwHighLevelCompSize) \
    M(LINECALLPARAMS, dwHighLevelCompOffset) \
    M(LINECALLPARAMS, dwLowLevelCompSize) \
    M(LINECALLPARAMS, dwLowLevelCompOffset) \
    M(LINECALLPARAMS, dwDevSpecificSize) \
    M(LINECALLPARAMS, dwDevSpecificOffset) \
    M(LINECALLPARAMS, dwPredictiveAutoTransferStates) \
    M(LINECALLPARAMS, dwTargetAddressSize) \
    M(LINECALLPARAMS, dwTargetAddressOffset) \
    M(LINECALLPARAMS, dwSendingFlowspecSize) \
    M(LINECALLPARAMS, dwSendingFlowspecOffset) \
    M(LINECALLPARAMS, dwReceivingFlowspecSize) \
    M(LINECALLPARAMS, dwReceivingFlowspecOffset) \
    M(LINECALLPARAMS, dwDeviceClassSize) \
    M(LINECALLPARAMS, dwDeviceClassOffset) \
    M(LINECALLPARAMS, dwDeviceConfigSize) \
    M(LINECALLPARAMS, dwDeviceConfigOffset) \
    M(LINECALLPARAMS, dwCallDataSize) \
    M(LINECALLPARAMS, dwCallDataOffset) \
    M(LINECALLPARAMS, dwNoAnswerTimeout) \
    M(LINECALLPARAMS, dwCallingPartyIDSize) \
    M(LINECALLPARAMS, dwCallingPartyIDOffset) \
    M(LINECALLPARAMS, dwAddressType) \
    S(LINECALLSTATUS, 1) \
    M(LINECALLSTATUS, dwTotalSize) \
    M(LINECALLSTATUS, dwNeededSize) \
    M(LINECALLSTATUS, dwUsedSize) \
    M(LINECALLSTATUS, dwCallState) \
    M(LINECALLSTATUS, dwCallStateMode) \
    M(LINECALLSTATUS, dwCallPrivilege) \
    M(LINECALLSTATUS, dwCallFeatures) \
    M(LINECALLSTATUS, dwDevSpecificSize) \
    M(LINECALLSTATUS, dwDevSpecificOffset) \
    M(LINECALLSTATUS, dwCallFeatures2) \
    M(LINECALLSTATUS, tStateEntryTime) \
    S(LINECALLTREATMENTENTRY, 1) \
    M(LINECALLTREATMENTENTRY, dwCallTreatmentID) \
    M(LINECALLTREATMENTENTRY, dwCallTreatmentNameSize) \
    M(LINECALLTREATMENTENTRY, dwCallTreatmentNameOffset) \
    S(LINECARDENTRY, 1) \
    M(LINECARDENTRY, dwPermanentCardID) \
    M(LINECARDENTRY, dwCardNameSize) \
    M(LINECARDENTRY, dwCardNameOffset) \
    M(LINECARDENTRY, dwCardNumberDigits) \
    M(LINECARDENTRY, dwSameAreaRuleSize) \
    M(LINECARDENTRY, dwSameAreaRuleOffset) \
    M(LINECARDENTRY, dwLongDistanceRuleSize) \
    M(LINECARDENTRY, dwLongDistanceRuleOffset) \
    M(LINECARDENTRY, dwInternationalRuleSize) \
    M(LINECARDENTRY, dwInternationalRuleOffset) \
    M(LINECARDENTRY, dwOptions) \
    S(LINECOUNTRYENTRY, 1) \
    M(LINECOUNTRYENTRY, dwCountryID) \
    M(LINECOUNTRYENTRY, dwCountryCode) \
    M(LINECOUNTRYENTRY, dwNextCountryID) \
    M(LINECOUNTRYENTRY, dwCountryNameSize) \
    M(LINECOUNTRYENTRY, dwCountryNameOffset) \
    M(LINECOUNTRYENTRY, dwSameAreaRuleSize) \
    M(LINECOUNTRYENTRY, dwSameAreaRuleOffset) \
    M(LINECOUNTRYENTRY, dwLongDistanceRuleSize) \
    M(LINECOUNTRYENTRY, dwLongDistanceRuleOffset) \
    M(LINECOUNTRYENTRY, dwInternationalRuleSize) \
    M(LINECOUNTRYENTRY, dwInternationalRuleOffset) \
    S(LINECOUNTRYLIST, 1) \
    M(LINECOUNTRYLIST, dwTotalSize) \
    M(LINECOUNTRYLIST, dwNeededSize) \
    M(LINECOUNTRYLIST, dwUsedSize) \
    M(LINECOUNTRYLIST, dwNumCountries) \
    M(LINECOUNTRYLIST, dwCountryListSize) \
    M(LINECOUNTRYLIST, dwCountryListOffset) \
    S(LINEDEVCAPS, 1) \
    M(LINEDEVCAPS, dwTotalSize) \
    M(LINEDEVCAPS, dwNeededSize) \
    M(LINEDEVCAPS, dwUsedSize) \
    M(LINEDEVCAPS, dwProviderInfoSize) \
    M(LINEDEVCAPS, dwProviderInfoOffset) \
    M(LINEDEVCAPS, dwSwitchInfoSize) \
    M(LINEDEVCAPS, dwSwitchInfoOffset) \
    M(LINEDEVCAPS, dwPermanentLineID) \
    M(LINEDEVCAPS, dwLineNameSize) \
    M(LINEDEVCAPS, dwLineNameOffset) \
    M(LINEDEVCAPS, dwStringFormat) \
    M(LINEDEVCAPS, dwAddressModes) \
    M(LINEDEVCAPS, dwNumAddresses) \
    M(LINEDEVCAPS, dwBearerModes) \
    M(LINEDEVCAPS, dwMaxRate) \
    M(LINEDEVCAPS, dwMediaModes) \
    M(LINEDEVCAPS, dwGenerateToneModes) \
    M(LINEDEVCAPS, dwGenerateToneMaxNumFreq) \
    M(LINEDEVCAPS, dwGenerateDigitModes) \
    M(LINEDEVCAPS, dwMonitorToneMaxNumFreq) \
    M(LINEDEVCAPS, dwMonitorToneMaxNumEntries) \
    M(LINEDEVCAPS, dwMonitorDigitModes) \
    M(LINEDEVCAPS, dwGatherDigitsMinTimeout) \
    M(LINEDEVCAPS, dwGatherDigitsMaxTimeout) \
    M(LINEDEVCAPS, dwMedCtlDigitMaxListSize) \
    M(LINEDEVCAPS, dwMedCtlMediaMaxListSize) \
    M(LINEDEVCAPS, dwMedCtlToneMaxListSize) \
    M(LINEDEVCAPS, dwMedCtlCallStateMaxListSize) \
    M(LINEDEVCAPS, dwDevCapFlags) \
    M(LINEDEVCAPS, dwMaxNumActiveCalls) \
    M(LINEDEVCAPS, dwAnswerMode) \
    M(LINEDEVCAPS, dwRingModes) \
    M(LINEDEVCAPS, dwLineStates) \
    M(LINEDEVCAPS, dwUUIAcceptSize) \
    M(LINEDEVCAPS, dwUUIAnswerSize) \
    M(LINEDEVCAPS, dwUUIMakeCallSize) \
    M(LINEDEVCAPS, dwUUIDropSize) \
    M(LINEDEVCAPS, dwUUISendUserUserInfoSize) \
    M(LINEDEVCAPS, dwUUICallInfoSize) \
    M(LINEDEVCAPS, MinDialParams) \
    M(LINEDEVCAPS, MaxDialParams) \
    M(LINEDEVCAPS, DefaultDialParams) \
    M(LINEDEVCAPS, dwNumTerminals) \
    M(LINEDEVCAPS, dwTerminalCapsSize) \
    M(LINEDEVCAPS, dwTerminalCapsOffset) \
    M(LINEDEVCAPS, dwTerminalTextEntrySize) \
    M(LINEDEVCAPS, dwTerminalTextSize) \
    M(LINEDEVCAPS, dwTerminalTextOffset) \
    M(LINEDEVCAPS, dwDevSpecificSize) \
    M(LINEDEVCAPS, dwDevSpecificOffset) \
    M(LINEDEVCAPS, dwLineFeatures) \
    M(LINEDEVCAPS, dwSettableDevStatus) \
    M(LINEDEVCAPS, dwDeviceClassesSize) \
    M(LINEDEVCAPS, dwDeviceClassesOffset) \
    M(LINEDEVCAPS, PermanentLineGuid) \
    M(LINEDEVCAPS, dwAddressTypes) \
    M(LINEDEVCAPS, ProtocolGuid) \
    M(LINEDEVCAPS, dwAvailableTracking) \
    S(LINEDEVSTATUS, 1) \
    M(LINEDEVSTATUS, dwTotalSize) \
    M(LINEDEVSTATUS, dwNeededSize) \
    M(LINEDEVSTATUS, dwUsedSize) \
    M(LINEDEVSTATUS, dwNumOpens) \
    M(LINEDEVSTATUS, dwOpenMediaModes) \
    M(LINEDEVSTATUS, dwNumActiveCalls) \
    M(LINEDEVSTATUS, dwNumOnHoldCalls) \
    M(LINEDEVSTATUS, dwNumOnHoldPendCalls) \
    M(LINEDEVSTATUS, dwLineFeatures) \
    M(LINEDEVSTATUS, dwNumCallCompletions) \
    M(LINEDEVSTATUS, dwRingMode) \
    M(LINEDEVSTATUS, dwSignalLevel) \
    M(LINEDEVSTATUS, dwBatteryLevel) \
    M(LINEDEVSTATUS, dwRoamMode) \
    M(LINEDEVSTATUS, dwDevStatusFlags) \
    M(LINEDEVSTATUS, dwTerminalModesSize) \
    M(LINEDEVSTATUS, dwTerminalModesOffset) \
    M(LINEDEVSTATUS, dwDevSpecificSize) \
    M(LINEDEVSTATUS, dwDevSpecificOffset) \
    M(LINEDEVSTATUS, dwAvailableMediaModes) \
    M(LINEDEVSTATUS, dwAppInfoSize) \
    M(LINEDEVSTATUS, dwAppInfoOffset) \
    S(LINEEXTENSIONID, 1) \
    M(LINEEXTENSIONID, dwExtensionID0) \
    M(LINEEXTENSIONID, dwExtensionID1) \
    M(LINEEXTENSIONID, dwExtensionID2) \
    M(LINEEXTENSIONID, dwExtensionID3) \
    S(LINEFORWARD, 1) \
    M(LINEFORWARD, dwForwardMode) \
    M(LINEFORWARD, dwCallerAddressSize) \
    M(LINEFORWARD, dwCallerAddressOffset) \
    M(LINEFORWARD, dwDestCountryCode) \
    M(LINEFORWARD, dwDestAddressSize) \
    M(LINEFORWARD, dwDestAddressOffset) \
    M(LINEFORWARD, dwCallerAddressType) \
    M(LINEFORWARD, dwDestAddressType) \
    S(LINEFORWARDLIST, 1) \
    M(LINEFORWARDLIST, dwTotalSize) \
    M(LINEFORWARDLIST, dwNumEntries) \
    M(LINEFORWARDLIST, ForwardList) \
    S(LINEGENERATETONE, 1) \
    M(LINEGENERATETONE, dwFrequency) \
    M(LINEGENERATETONE, dwCadenceOn) \
    M(LINEGENERATETONE, dwCadenceOff) \
    M(LINEGENERATETONE, dwVolume) \
    S(LINELOCATIONENTRY, 1) \
    M(LINELOCATIONENTRY, dwPermanentLocationID) \
    M(LINELOCATIONENTRY, dwLocationNameSize) \
    M(LINELOCATIONENTRY, dwLocationNameOffset) \
    M(LINELOCATIONENTRY, dwCountryCode) \
    M(LINELOCATIONENTRY, dwCityCodeSize) \
    M(LINELOCATIONENTRY, dwCityCodeOffset) \
    M(LINELOCATIONENTRY, dwPreferredCardID) \
    M(LINELOCATIONENTRY, dwLocalAccessCodeSize) \
    M(LINELOCATIONENTRY, dwLocalAccessCodeOffset) \
    M(LINELOCATIONENTRY, dwLongDistanceAccessCodeSize) \
    M(LINELOCATIONENTRY, dwLongDistanceAccessCodeOffset) \
    M(LINELOCATIONENTRY, dwTollPrefixListSize) \
    M(LINELOCATIONENTRY, dwTollPrefixListOffset) \
    M(LINELOCATIONENTRY, dwCountryID) \
    M(LINELOCATIONENTRY, dwOptions) \
    M(LINELOCATIONENTRY, dwCancelCallWaitingSize) \
    M(LINELOCATIONENTRY, dwCancelCallWaitingOffset) \
    S(LINEMEDIACONTROLCALLSTATE, 1) \
    M(LINEMEDIACONTROLCALLSTATE, dwCallStates) \
    M(LINEMEDIACONTROLCALLSTATE, dwMediaControl) \
    S(LINEMEDIACONTROLDIGIT, 1) \
    M(LINEMEDIACONTROLDIGIT, dwDigit) \
    M(LINEMEDIACONTROLDIGIT, dwDigitModes) \
    M(LINEMEDIACONTROLDIGIT, dwMediaControl) \
    S(LINEMEDIACONTROLMEDIA, 1) \
    M(LINEMEDIACONTROLMEDIA, dwMediaModes) \
    M(LINEMEDIACONTROLMEDIA, dwDuration) \
    M(LINEMEDIACONTROLMEDIA, dwMediaControl) \
    S(LINEMEDIACONTROLTONE, 1) \
    M(LINEMEDIACONTROLTONE, dwAppSpecific) \
    M(LINEMEDIACONTROLTONE, dwDuration) \
    M(LINEMEDIACONTROLTONE, dwFrequency1) \
    M(LINEMEDIACONTROLTONE, dwFrequency2) \
    M(LINEMEDIACONTROLTONE, dwFrequency3) \
    M(LINEMEDIACONTROLTONE, dwMediaControl) \
    S(LINEMESSAGE, 1) \
    M(LINEMESSAGE, hDevice) \
    M(LINEMESSAGE, dwMessageID) \
    M(LINEMESSAGE, dwCallbackInstance) \
    M(LINEMESSAGE, dwParam1) \
    M(LINEMESSAGE, dwParam2) \
    M(LINEMESSAGE, dwParam3) \
    S(LINEMONITORTONE, 1) \
    M(LINEMONITORTONE, dwAppSpecific) \
    M(LINEMONITORTONE, dwDuration) \
    M(LINEMONITORTONE, dwFrequency1) \
    M(LINEMONITORTONE, dwFrequency2) \
    M(LINEMONITORTONE, dwFrequency3) \
    S(LINEPROVIDERENTRY, 1) \
    M(LINEPROVIDERENTRY, dwPermanentProviderID) \
    M(LINEPROVIDERENTRY, dwProviderFilenameSize) \
    M(LINEPROVIDERENTRY, dwProviderFilenameOffset) \
    S(LINEPROVIDERLIST, 1) \
    M(LINEPROVIDERLIST, dwTotalSize) \
    M(LINEPROVIDERLIST, dwNeededSize) \
    M(LINEPROVIDERLIST, dwUsedSize) \
    M(LINEPROVIDERLIST, dwNumProviders) \
    M(LINEPROVIDERLIST, dwProviderListSize) \
    M(LINEPROVIDERLIST, dwProviderListOffset) \
    S(LINEREQMAKECALL, 1) \
    M(LINEREQMAKECALL, szDestAddress) \
    M(LINEREQMAKECALL, szAppName) \
    M(LINEREQMAKECALL, szCalledParty) \
    M(LINEREQMAKECALL, szComment) \
    S(LINEREQMAKECALLW, 1) \
    M(LINEREQMAKECALLW, szDestAddress) \
    M(LINEREQMAKECALLW, szAppName) \
    M(LINEREQMAKECALLW, szCalledParty) \
    M(LINEREQMAKECALLW, szComment) \
    S(LINEREQMEDIACALL, 1) \
    M(LINEREQMEDIACALL, hWnd) \
    M(LINEREQMEDIACALL, wRequestID) \
    M(LINEREQMEDIACALL, szDeviceClass) \
    M(LINEREQMEDIACALL, ucDeviceID) \
    M(LINEREQMEDIACALL, dwSize) \
    M(LINEREQMEDIACALL, dwSecure) \
    M(LINEREQMEDIACALL, szDestAddress) \
    M(LINEREQMEDIACALL, szAppName) \
    M(LINEREQMEDIACALL, szCalledParty) \
    M(LINEREQMEDIACALL, szComment) \
    S(LINEREQMEDIACALLW, 1) \
    M(LINEREQMEDIACALLW, hWnd) \
    M(LINEREQMEDIACALLW, wRequestID) \
    M(LINEREQMEDIACALLW, szDeviceClass) \
    M(LINEREQMEDIACALLW, ucDeviceID) \
    M(LINEREQMEDIACALLW, dwSize) \
    M(LINEREQMEDIACALLW, dwSecure) \
    M(LINEREQMEDIACALLW, szDestAddress) \
    M(LINEREQMEDIACALLW, szAppName) \
    M(LINEREQMEDIACALLW, szCalledParty) \
    M(LINEREQMEDIACALLW, szComment) \
    S(LINETERMCAPS, 1) \
    M(LINETERMCAPS, dwTermDev) \
    M(LINETERMCAPS, dwTermModes) \
    M(LINETERMCAPS, dwTermSharing) \
    S(LINETRANSLATECAPS, 1) \
    M(LINETRANSLATECAPS, dwTotalSize) \
    M(LINETRANSLATECAPS, dwNeededSize) \
    M(LINETRANSLATECAPS, dwUsedSize) \
    M(LINETRANSLATECAPS, dwNumLocations) \
    M(LINETRANSLATECAPS, dwLocationListSize) \
    M(LINETRANSLATECAPS, dwLocationListOffset) \
    M(LINETRANSLATECAPS, dwCurrentLocationID) \
    M(LINETRANSLATECAPS, dwNumCards) \
    M(LINETRANSLATECAPS, dwCardListSize) \
    M(LINETRANSLATECAPS, dwCardListOffset) \
    M(LINETRANSLATECAPS, dwCurrentPreferredCardID) \
    S(LINETRANSLATEOUTPUT, 1) \
    M(LINETRANSLATEOUTPUT, dwTotalSize) \
    M(LINETRANSLATEOUTPUT, dwNeededSize) \
    M(LINETRANSLATEOUTPUT, dwUsedSize) \
    M(LINETRANSLATEOUTPUT, dwDialableStringSize) \
    M(LINETRANSLATEOUTPUT, dwDialableStringOffset) \
    M(LINETRANSLATEOUTPUT, dwDisplayableStringSize) \
    M(LINETRANSLATEOUTPUT, dwDisplayableStringOffset) \
    M(LINETRANSLATEOUTPUT, dwCurrentCountry) \
    M(LINETRANSLATEOUTPUT, dwDestCountry) \
    M(LINETRANSLATEOUTPUT, dwTranslateResults) \
    S(PHONEBUTTONINFO, 1) \
    M(PHONEBUTTONINFO, dwTotalSize) \
    M(PHONEBUTTONINFO, dwNeededSize) \
    M(PHONEBUTTONINFO, dwUsedSize) \
    M(PHONEBUTTONINFO, dwButtonMode) \
    M(PHONEBUTTONINFO, dwButtonFunction) \
    M(PHONEBUTTONINFO, dwButtonTextSize) \
    M(PHONEBUTTONINFO, dwButtonTextOffset) \
    M(PHONEBUTTONINFO, dwDevSpecificSize) \
    M(PHONEBUTTONINFO, dwDevSpecificOffset) \
    M(PHONEBUTTONINFO, dwButtonState) \
    S(PHONECAPS, 1) \
    M(PHONECAPS, dwTotalSize) \
    M(PHONECAPS, dwNeededSize) \
    M(PHONECAPS, dwUsedSize) \
    M(PHONECAPS, dwProviderInfoSize) \
    M(PHONECAPS, dwProviderInfoOffset) \
    M(PHONECAPS, dwPhoneInfoSize) \
    M(PHONECAPS, dwPhoneInfoOffset) \
    M(PHONECAPS, dwPermanentPhoneID) \
    M(PHONECAPS, dwPhoneNameSize) \
    M(PHONECAPS, dwPhoneNameOffset) \
    M(PHONECAPS, dwStringFormat) \
    M(PHONECAPS, dwPhoneStates) \
    M(PHONECAPS, dwHookSwitchDevs) \
    M(PHONECAPS, dwHandsetHookSwitchModes) \
    M(PHONECAPS, dwSpeakerHookSwitchModes) \
    M(PHONECAPS, dwHeadsetHookSwitchModes) \
    M(PHONECAPS, dwVolumeFlags) \
    M(PHONECAPS, dwGainFlags) \
    M(PHONECAPS, dwDisplayNumRows) \
    M(PHONECAPS, dwDisplayNumColumns) \
    M(PHONECAPS, dwNumRingModes) \
    M(PHONECAPS, dwNumButtonLamps) \
    M(PHONECAPS, dwButtonModesSize) \
    M(PHONECAPS, dwButtonModesOffset) \
    M(PHONECAPS, dwButtonFunctionsSize) \
    M(PHONECAPS, dwButtonFunctionsOffset) \
    M(PHONECAPS, dwLampModesSize) \
    M(PHONECAPS, dwLampModesOffset) \
    M(PHONECAPS, dwNumSetData) \
    M(PHONECAPS, dwSetDataSize) \
    M(PHONECAPS, dwSetDataOffset) \
    M(PHONECAPS, dwNumGetData) \
    M(PHONECAPS, dwGetDataSize) \
    M(PHONECAPS, dwGetDataOffset) \
    M(PHONECAPS, dwDevSpecificSize) \
    M(PHONECAPS, dwDevSpecificOffset) \
    M(PHONECAPS, dwDeviceClassesSize) \
    M(PHONECAPS, dwDeviceClassesOffset) \
    M(PHONECAPS, dwPhoneFeatures) \
    M(PHONECAPS, dwSettableHandsetHookSwitchModes) \
    M(PHONECAPS, dwSettableSpeakerHookSwitchModes) \
    M(PHONECAPS, dwSettableHeadsetHookSwitchModes) \
    M(PHONECAPS, dwMonitoredHandsetHookSwitchModes) \
    M(PHONECAPS, dwMonitoredSpeakerHookSwitchModes) \
    M(PHONECAPS, dwMonitoredHeadsetHookSwitchModes) \
    M(PHONECAPS, PermanentPhoneGuid) \
    S(PHONEEXTENSIONID, 1) \
    M(PHONEEXTENSIONID, dwExtensionID0) \
    M(PHONEEXTENSIONID, dwExtensionID1) \
    M(PHONEEXTENSIONID, dwExtensionID2) \
    M(PHONEEXTENSIONID, dwExtensionID3) \
    S(PHONEMESSAGE, 1) \
    M(PHONEMESSAGE, hDevice) \
    M(PHONEMESSAGE, dwMessageID) \
    M(PHONEMESSAGE, dwCallbackInstance) \
    M(PHONEMESSAGE, dwParam1) \
    M(PHONEMESSAGE, dwParam2) \
    M(PHONEMESSAGE, dwParam3) \
    S(PHONESTATUS, 1) \
    M(PHONESTATUS, dwTotalSize) \
    M(PHONESTATUS, dwNeededSize) \
    M(PHONESTATUS, dwUsedSize) \
    M(PHONESTATUS, dwStatusFlags) \
    M(PHONESTATUS, dwNumOwners) \
    M(PHONESTATUS, dwNumMonitors) \
    M(PHONESTATUS, dwRingMode) \
    M(PHONESTATUS, dwRingVolume) \
    M(PHONESTATUS, dwHandsetHookSwitchMode) \
    M(PHONESTATUS, dwHandsetVolume) \
    M(PHONESTATUS, dwHandsetGain) \
    M(PHONESTATUS, dwSpeakerHookSwitchMode) \
    M(PHONESTATUS, dwSpeakerVolume) \
    M(PHONESTATUS, dwSpeakerGain) \
    M(PHONESTATUS, dwHeadsetHookSwitchMode) \
    M(PHONESTATUS, dwHeadsetVolume) \
    M(PHONESTATUS, dwHeadsetGain) \
    M(PHONESTATUS, dwDisplaySize) \
    M(PHONESTATUS, dwDisplayOffset) \
    M(PHONESTATUS, dwLampModesSize) \
    M(PHONESTATUS, dwLampModesOffset) \
    M(PHONESTATUS, dwOwnerNameSize) \
    M(PHONESTATUS, dwOwnerNameOffset) \
    M(PHONESTATUS, dwDevSpecificSize) \
    M(PHONESTATUS, dwDevSpecificOffset) \
    M(PHONESTATUS, dwPhoneFeatures) \
    S(VARSTRING, 1) \
    M(VARSTRING, dwTotalSize) \
    M(VARSTRING, dwNeededSize) \
    M(VARSTRING, dwUsedSize) \
    M(VARSTRING, dwStringFormat) \
    M(VARSTRING, dwStringSize) \
    M(VARSTRING, dwStringOffset) \
    S(TUISPICREATEDIALOGINSTANCEPARAMS, 0) \
    M(TUISPICREATEDIALOGINSTANCEPARAMS, dwRequestID) \
    M(TUISPICREATEDIALOGINSTANCEPARAMS, hdDlgInst) \
    M(TUISPICREATEDIALOGINSTANCEPARAMS, htDlgInst) \
    M(TUISPICREATEDIALOGINSTANCEPARAMS, lpszUIDLLName) \
    M(TUISPICREATEDIALOGINSTANCEPARAMS, lpParams) \
    M(TUISPICREATEDIALOGINSTANCEPARAMS, dwSize) \
    S(LINEQOSSERVICELEVEL, 0) \
    M(LINEQOSSERVICELEVEL, dwMediaMode) \
    M(LINEQOSSERVICELEVEL, dwQOSServiceLevel) \
    S(LINECALLQOSINFO, 0) \
    M(LINECALLQOSINFO, dwKey) \
    M(LINECALLQOSINFO, dwTotalSize) \
    M(LINECALLQOSINFO, dwQOSRequestType) \
    M(LINECALLQOSINFO, SetQOSServiceLevel.dwNumServiceLevelEntries) \
    M(LINECALLQOSINFO, SetQOSServiceLevel.LineQOSServiceLevel)

// Pointer typedefs of the structures (LPLINEDEVCAPS, ...) are checked by name for existence.
#define CTIGW_ABI_STRUCT_POINTERS(P) \
    P(LPLINEADDRESSCAPS) \
    P(LPLINEADDRESSSTATUS) \
    P(LPLINEAGENTACTIVITYENTRY) \
    P(LPLINEAGENTACTIVITYLIST) \
    P(LPLINEAGENTCAPS) \
    P(LPLINEAGENTGROUPLIST) \
    P(LPLINEAGENTSTATUS) \
    P(LPLINEAPPINFO) \
    P(LPLINEAGENTENTRY) \
    P(LPLINEAGENTLIST) \
    P(LPLINEAGENTSESSIONENTRY) \
    P(LPLINEAGENTSESSIONLIST) \
    P(LPLINEQUEUEENTRY) \
    P(LPLINEQUEUELIST) \
    P(LPLINEQUEUEINFO) \
    P(LPLINEPROXYREQUESTLIST) \
    P(LPLINECALLHUBTRACKINGINFO) \
    P(LPLINEDIALPARAMS) \
    P(LPLINECALLINFO) \
    P(LPLINECALLLIST) \
    P(LPLINECALLPARAMS) \
    P(LPLINECALLSTATUS) \
    P(LPLINECALLTREATMENTENTRY) \
    P(LPLINECARDENTRY) \
    P(LPLINECOUNTRYENTRY) \
    P(LPLINECOUNTRYLIST) \
    P(LPLINEDEVCAPS) \
    P(LPLINEDEVSTATUS) \
    P(LPLINEEXTENSIONID) \
    P(LPLINEFORWARD) \
    P(LPLINEFORWARDLIST) \
    P(LPLINEGENERATETONE) \
    P(LPLINELOCATIONENTRY) \
    P(LPLINEMEDIACONTROLCALLSTATE) \
    P(LPLINEMEDIACONTROLDIGIT) \
    P(LPLINEMEDIACONTROLMEDIA) \
    P(LPLINEMEDIACONTROLTONE) \
    P(LPLINEMESSAGE) \
    P(LPLINEMONITORTONE) \
    P(LPLINEPROVIDERENTRY) \
    P(LPLINEPROVIDERLIST) \
    P(LPLINEREQMAKECALL) \
    P(LPLINEREQMAKECALLW) \
    P(LPLINEREQMEDIACALL) \
    P(LPLINEREQMEDIACALLW) \
    P(LPLINETERMCAPS) \
    P(LPLINETRANSLATECAPS) \
    P(LPLINETRANSLATEOUTPUT) \
    P(LPPHONEBUTTONINFO) \
    P(LPPHONECAPS) \
    P(LPPHONEEXTENSIONID) \
    P(LPPHONEMESSAGE) \
    P(LPPHONESTATUS) \
    P(LPVARSTRING) \
    P(LPTUISPICREATEDIALOGINSTANCEPARAMS) \
    P(LPLINEQOSSERVICELEVEL) \
    P(LPLINECALLQOSINFO) \
    P(LPSYSTEMTIME)
// clang-format on
