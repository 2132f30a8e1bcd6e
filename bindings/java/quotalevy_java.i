/*
 * quotalevy_java.i — the Java side of the SWIG interface.
 *
 * SWIG generates package-private classes (Native, NativeJNI and one
 * proxy per handle) from ../quotalevy.i; the public package quotalevy
 * (src/quotalevy/*.java) is written on top of them.  What this file adds
 * is only what is Java's:
 *
 *   - strings cross as UTF-8 bytes both ways (JNI's own "modified UTF-8"
 *     differs for NUL and for characters outside the BMP), encoded and
 *     decoded by quotalevy.Utf8;
 *   - an error becomes a QuotaLevyException thrown from C: the error's
 *     fields are packed as the batch packs them and
 *     QuotaLevyException.fromNative picks the class;
 *   - ql_status returns become void (a failure has thrown);
 *   - no finalize(): the public classes free their handles in close()
 *     and through a java.lang.ref.Cleaner.
 */
%module(jniclassname="NativeJNI") Native
%javaconst(1);

%pragma(java) moduleclassmodifiers="final class"
%pragma(java) jniclassclassmodifiers="final class"
%typemap(javaclassmodifiers) SWIGTYPE "final class"
%typemap(javafinalize) SWIGTYPE ""

%pragma(java) jniclasscode=%{
  static {
    NativeLibrary.load();
  }
%}

%rename(NativeRuleSet) ql_ruleset;
%rename(NativeRecord) ql_record;
%rename(NativeResult) ql_result;
%rename(NativeBatch) ql_swig_batch;

%{
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quotalevy.h"

static jbyteArray ql_java_bytes(JNIEnv *jenv, const char *s, size_t len)
{
    jbyteArray a = (*jenv)->NewByteArray(jenv, (jsize)len);
    if (a)
        (*jenv)->SetByteArrayRegion(jenv, a, 0, (jsize)len, (const jbyte *)s);
    return a;
}

static void ql_java_pack(char **p, const char *s)
{
    size_t n = strlen(s);
    memcpy(*p, s, n + 1);
    *p += n + 1;
}

/* Throws the QuotaLevyException of a filled error; the caller returns. */
static void ql_java_throw(JNIEnv *jenv, const ql_error *e)
{
    char buf[QL_ERROR_FILE_MAX + QL_ERROR_FIELD_MAX +
             2 * QL_ERROR_MESSAGE_MAX + 1024];
    char *p = buf, num[16], text[QL_ERROR_FILE_MAX + QL_ERROR_FIELD_MAX +
                                  QL_ERROR_MESSAGE_MAX + 64];
    ql_error_format(text, sizeof text, e);
    ql_java_pack(&p, "E");
    ql_java_pack(&p, ql_status_name(e->code));
    ql_java_pack(&p, e->message);
    ql_java_pack(&p, e->file);
    snprintf(num, sizeof num, "%d", e->line);
    ql_java_pack(&p, num);
    snprintf(num, sizeof num, "%d", e->column);
    ql_java_pack(&p, num);
    ql_java_pack(&p, e->field);
    ql_java_pack(&p, text);
    jclass c = (*jenv)->FindClass(jenv, "quotalevy/QuotaLevyException");
    if (!c)
        return; /* NoClassDefFoundError is pending */
    jmethodID m = (*jenv)->GetStaticMethodID(jenv, c, "fromNative",
                                            "([B)Lquotalevy/QuotaLevyException;");
    jbyteArray a = m ? ql_java_bytes(jenv, buf, (size_t)(p - buf)) : NULL;
    jobject ex = a ? (*jenv)->CallStaticObjectMethod(jenv, c, m, a) : NULL;
    if (ex)
        (*jenv)->Throw(jenv, (jthrowable)ex);
}

#define QL_SWIG_RAISE(e) ql_java_throw(jenv, (e))
%}

/* Strings: UTF-8 bytes (NUL-terminated going in, by Utf8.cstring). */
%typemap(jni) const char *, char * "jbyteArray"
%typemap(jtype) const char *, char * "byte[]"
%typemap(jstype) const char *, char * "String"
%typemap(javain) const char *, char * "Utf8.cstring($javainput)"
%typemap(javaout) const char *, char * { return Utf8.string($jnicall); }
%typemap(in, noblock=1) const char *, char * {
    $1 = NULL;
    if ($input) {
        $1 = ($1_ltype)(*jenv)->GetByteArrayElements(jenv, $input, 0);
        if (!$1)
            return $null;
    }
}
%typemap(freearg, noblock=1) const char *, char * {
    if ($1)
        (*jenv)->ReleaseByteArrayElements(jenv, $input, (jbyte *)$1, JNI_ABORT);
}
%typemap(out, noblock=1) const char *, char * {
    $result = $1 ? ql_java_bytes(jenv, $1, strlen($1)) : NULL;
}

/* Bytes in: a byte[] (the batch's packed records, YAML). */
%apply (const char *STRING, size_t LENGTH) { (const char *data, size_t len) };

/* Bytes out: a byte[] copied from the malloc'd buffer, which is freed. */
%typemap(jni) ql_swig_bytes "jbyteArray"
%typemap(jtype) ql_swig_bytes "byte[]"
%typemap(jstype) ql_swig_bytes "byte[]"
%typemap(javaout) ql_swig_bytes { return $jnicall; }
%typemap(out) ql_swig_bytes {
    if (!$1.data) {
        jclass oom = (*jenv)->FindClass(jenv, "java/lang/OutOfMemoryError");
        if (oom)
            (*jenv)->ThrowNew(jenv, oom, "quotalevy: out of memory in a batch");
        return $null;
    }
    $result = ql_java_bytes(jenv, $1.data, $1.len);
    free($1.data);
}

/* A status is void in Java: a failure has thrown. */
%typemap(jni) ql_status "void"
%typemap(jtype) ql_status "void"
%typemap(jstype) ql_status "void"
%typemap(javaout) ql_status { $jnicall; }
%typemap(out) ql_status ""

%include "../quotalevy.i"
