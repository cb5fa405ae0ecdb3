// libcurl for the Sync module's uplink (pkg-config libcurl). curl_easy_setopt and curl_easy_getinfo are
// variadic, which Swift cannot call: these typed wrappers can be.
#include <curl/curl.h>

static inline CURLcode renfang_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode renfang_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode renfang_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode renfang_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*renfang_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode renfang_curl_setopt_write(CURL *handle, renfang_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode renfang_curl_setopt_header(CURL *handle, renfang_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode renfang_curl_setopt_postfields(CURL *handle, const void *data, long length) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, length);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_POSTFIELDS, data);
}

static inline long renfang_curl_response_code(CURL *handle) {
    long code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
