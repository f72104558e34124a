/*
 * telltale fixture: JNI exports exercising the name-mangling escapes, a
 * JNI_OnLoad, a SONAME and a DT_NEEDED entry. Built by
 * scripts/make-native-samples.sh (clang + lld, no sysroot).
 */
#define EXPORT __attribute__((visibility("default")))

EXPORT int Java_com_example_jni_Plain_run(void *e, void *c) { (void)e; (void)c; return 1; }
/* class com.example.jni_x.My_Class, method do_it */
EXPORT int Java_com_example_jni_1x_My_1Class_do_1it(void *e, void *c) { (void)e; (void)c; return 2; }
/* inner class com.example.jni.Outer$Inner */
EXPORT int Java_com_example_jni_Outer_00024Inner_tick(void *e, void *c) { (void)e; (void)c; return 3; }
/* overloaded: f(int, String, byte[]) */
EXPORT int Java_com_example_jni_Plain_f__ILjava_lang_String_2_3B(void *e, void *c) { (void)e; (void)c; return 4; }
EXPORT int JNI_OnLoad(void *vm, void *r) { (void)vm; (void)r; return 0x00010006; }
