/* telltale fixture: a native library that only ships in the ABI split. */
const char *split_endpoint(void) { return "https://native.split-abi.telltale-planted.net/ping"; }
