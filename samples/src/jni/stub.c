/* Only linked against so that libjni.so carries DT_NEEDED libstub.so. */
int stub_function(void) { return 0; }
