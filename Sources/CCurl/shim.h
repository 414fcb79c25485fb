// Non-variadic wrappers for libcurl's variadic option and info functions, which Swift cannot
// call directly. Each wrapper passes its argument with the type libcurl expects for that option.
#ifndef WELCOMEBOT_CCURL_SHIM_H
#define WELCOMEBOT_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*welcomebot_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);

static inline CURLcode welcomebot_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode welcomebot_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode welcomebot_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode welcomebot_curl_setopt_callback(CURL *handle, CURLoption option, welcomebot_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode welcomebot_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode welcomebot_curl_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// CURLMsg's result lives in a union; this reads it without Swift having to model the union.
static inline CURLcode welcomebot_curl_message_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
