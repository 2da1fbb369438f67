#include "sender/http_client.hpp"

#include "sender/libcurl.hpp"
#include "sender/proxy.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace sender {

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    constexpr std::size_t k_max_body = 64 * 1024;
    const std::size_t n = size * count;
    if (body->size() < k_max_body) {
        body->append(data, std::min(n, k_max_body - body->size()));
    }
    return n;
}

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* response = static_cast<HttpResponse*>(user);
    const std::string line(data, size * count);
    constexpr std::string_view k_name = "retry-after:";
    if (line.size() > k_name.size()) {
        std::string prefix = line.substr(0, k_name.size());
        std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (prefix == k_name) {
            std::string value = line.substr(k_name.size());
            value.erase(0, value.find_first_not_of(" \t"));
            value.erase(value.find_last_not_of(" \t\r\n") + 1);
            response->retry_after = value;
        }
    }
    return size * count;
}

struct SlistFree {
    void operator()(curl_slist* list) const { libcurl().slist_free_all(list); }
};

struct UrlFree {
    void operator()(CURLU* url) const { libcurl().url_cleanup(url); }
};

struct CurlFree {
    void operator()(char* text) const { libcurl().free(text); }
};

// Return the headers as a libcurl list; null when out of memory.
std::unique_ptr<curl_slist, SlistFree> header_list(const std::vector<std::string>& headers) {
    std::unique_ptr<curl_slist, SlistFree> list;
    for (const auto& header : headers) {
        curl_slist* appended = libcurl().slist_append(list.get(), header.c_str());
        if (appended == nullptr) {
            return nullptr;
        }
        list.release();
        list.reset(appended);
    }
    return list;
}

} // namespace

// One request in flight: what libcurl reads from and writes to until it ends.
struct HttpClient::Transfer {
    CURL* easy = nullptr;
    Request request;
    std::unique_ptr<curl_slist, SlistFree> headers;
    HttpResponse response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::chrono::steady_clock::time_point started;
};

HttpClient::HttpClient(model::NetworkLimits limits, std::size_t max_connections)
    : m_limits(limits) {
    const Libcurl& lib = libcurl();
    m_multi = lib.multi_init();
    if (m_multi == nullptr) {
        throw model::Failure("initialising libcurl failed");
    }
    // HTTP/2 streams share a connection when the server offers it; HTTP/1.1
    // requests get a connection each, up to the courier's maximum.
    lib.multi_setopt(m_multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    lib.multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                     static_cast<long>(std::max<std::size_t>(1, max_connections)));
    lib.multi_setopt(m_multi, CURLMOPT_MAXCONNECTS,
                     static_cast<long>(std::max<std::size_t>(4, max_connections)));
}

HttpClient::~HttpClient() {
    const Libcurl& lib = libcurl();
    abandon();
    for (void* easy : m_idle_handles) {
        lib.easy_cleanup(easy);
    }
    lib.multi_cleanup(m_multi);
}

void HttpClient::start(Request request) {
    const Libcurl& lib = libcurl();
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    transfer->started = std::chrono::steady_clock::now();
    if (!m_idle_handles.empty()) {
        transfer->easy = m_idle_handles.back();
        m_idle_handles.pop_back();
        lib.easy_reset(transfer->easy);
    } else {
        transfer->easy = lib.easy_init();
        if (transfer->easy == nullptr) {
            throw model::Failure("initialising libcurl failed");
        }
    }
    CURL* curl = transfer->easy;
    transfer->headers = header_list(transfer->request.headers);
    if (transfer->headers == nullptr && !transfer->request.headers.empty()) {
        m_idle_handles.push_back(curl);
        throw model::Failure("out of memory building headers");
    }
    const auto& url = transfer->request.url;
    const auto& body = transfer->request.body;
    lib.easy_setopt(curl, CURLOPT_URL, url.c_str());
    lib.easy_setopt(curl, CURLOPT_POST, 1L);
    lib.easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    lib.easy_setopt(curl, CURLOPT_HTTPHEADER, transfer->headers.get());
    lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lib.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    // Go's rules, not libcurl's (which ignores HTTP_PROXY in upper case).
    const auto proxy = proxy_from_environment(url, process_environment);
    lib.easy_setopt(curl, CURLOPT_PROXY, proxy.proxy.c_str());
    lib.easy_setopt(curl, CURLOPT_NOPROXY, proxy.no_proxy.c_str());
    lib.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    lib.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    lib.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    lib.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, m_limits.connect);
    lib.easy_setopt(curl, CURLOPT_TIMEOUT, m_limits.total);
    lib.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    lib.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, m_limits.low_speed);
    lib.easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    // Wait for a connection that may carry this request as one more HTTP/2
    // stream rather than open another at once.
    lib.easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    lib.easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer->error_buffer);
    lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    lib.easy_setopt(curl, CURLOPT_WRITEDATA, &transfer->response.body);
    lib.easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    lib.easy_setopt(curl, CURLOPT_HEADERDATA, &transfer->response);
    lib.easy_setopt(curl, CURLOPT_PRIVATE, transfer.get());
    if (lib.multi_add_handle(m_multi, curl) != CURLM_OK) {
        m_idle_handles.push_back(curl);
        throw model::Failure("libcurl refused a request");
    }
    m_transfers.push_back(std::move(transfer));
}

std::vector<Answer> HttpClient::wait(std::chrono::milliseconds timeout) {
    const Libcurl& lib = libcurl();
    int running = 0;
    lib.multi_perform(m_multi, &running);
    auto answers = collect();
    if (!answers.empty() || m_transfers.empty()) {
        return answers;
    }
    lib.multi_poll(m_multi, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
    lib.multi_perform(m_multi, &running);
    return collect();
}

std::vector<Answer> HttpClient::collect() {
    const Libcurl& lib = libcurl();
    std::vector<Answer> answers;
    int left = 0;
    while (CURLMsg* message = lib.multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        Transfer* transfer = nullptr;
        lib.easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
        const CURLcode rc = message->data.result;
        auto& response = transfer->response;
        const auto& secret = transfer->request.secret;
        if (rc != CURLE_OK) {
            response.status = 0;
            response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
            response.error = redact(
                transfer->error_buffer[0] ? transfer->error_buffer : lib.easy_strerror(rc), secret);
            response.body.clear();
        } else {
            lib.easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &response.status);
            response.body = redact(std::move(response.body), secret);
        }
        answers.push_back({transfer->request.tag, std::move(response),
                           std::chrono::steady_clock::now() - transfer->started});
        finish(transfer);
    }
    return answers;
}

std::vector<std::uint64_t> HttpClient::abandon() {
    std::vector<std::uint64_t> tags;
    while (!m_transfers.empty()) {
        tags.push_back(m_transfers.back()->request.tag);
        finish(m_transfers.back().get());
    }
    return tags;
}

void HttpClient::finish(Transfer* transfer) {
    libcurl().multi_remove_handle(m_multi, transfer->easy);
    m_idle_handles.push_back(transfer->easy);
    const auto found =
        std::find_if(m_transfers.begin(), m_transfers.end(),
                     [transfer](const auto& held) { return held.get() == transfer; });
    if (found != m_transfers.end()) {
        m_transfers.erase(found);
    }
}

model::Expected<std::string> ingestion_url(const std::string& base_url, const std::string& api_key,
                                           const std::string& system) {
    const Libcurl& lib = libcurl();
    std::unique_ptr<CURLU, UrlFree> url(lib.url());
    if (!url) {
        return model::fail("out of memory");
    }
    if (lib.url_set(url.get(), CURLUPART_URL, base_url.c_str(), 0) != CURLUE_OK) {
        return model::fail("base URL '" + display_url(base_url) + "' is not a valid URL");
    }
    char* scheme_raw = nullptr;
    lib.url_get(url.get(), CURLUPART_SCHEME, &scheme_raw, 0);
    std::unique_ptr<char, CurlFree> scheme(scheme_raw);
    if (!scheme || (std::string(scheme.get()) != "http" && std::string(scheme.get()) != "https")) {
        return model::fail("base URL '" + display_url(base_url) + "' must use http or https");
    }
    char* path_raw = nullptr;
    lib.url_get(url.get(), CURLUPART_PATH, &path_raw, 0);
    std::unique_ptr<char, CurlFree> path_held(path_raw);
    // The base's own path stays a prefix, for a reverse proxy under a path.
    std::string path = path_held ? path_held.get() : "";
    while (!path.empty() && path.back() == '/') {
        path.pop_back();
    }
    path += "/v1/ingestion/cli";
    lib.url_set(url.get(), CURLUPART_PATH, path.c_str(), 0);
    lib.url_set(url.get(), CURLUPART_FRAGMENT, nullptr, 0);
    const std::string key_param = "api_key=" + api_key;
    lib.url_set(url.get(), CURLUPART_QUERY, key_param.c_str(), CURLU_APPENDQUERY | CURLU_URLENCODE);
    if (!system.empty()) {
        const std::string system_param = "system=" + system;
        lib.url_set(url.get(), CURLUPART_QUERY, system_param.c_str(),
                    CURLU_APPENDQUERY | CURLU_URLENCODE);
    }
    char* full_raw = nullptr;
    if (lib.url_get(url.get(), CURLUPART_URL, &full_raw, 0) != CURLUE_OK) {
        return model::fail("base URL '" + display_url(base_url) + "' is not a valid URL");
    }
    std::unique_ptr<char, CurlFree> full(full_raw);
    return std::string(full.get());
}

namespace {

// Return the secret percent-encoded as a query string may carry it, in
// lower case; a space as %20 or '+'.
std::string url_encoded(const std::string& secret, bool plus_for_space) {
    constexpr const char* k_hex = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : secret) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(std::tolower(c));
        } else if (c == ' ' && plus_for_space) {
            out += '+';
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

std::string lower_case(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Replace every occurrence of `needle` (in lower case), in any case, in text by "***".
std::string replace_all(std::string text, const std::string& needle) {
    std::string haystack = lower_case(text);
    for (auto pos = haystack.find(needle); pos != std::string::npos;
         pos = haystack.find(needle, pos + 3)) {
        text.replace(pos, needle.size(), "***");
        haystack.replace(pos, needle.size(), "***");
    }
    return text;
}

} // namespace

std::string redact(std::string text, const std::string& secret) {
    if (secret.empty()) {
        return text;
    }
    // A server or proxy may echo the key in another case (a normalised URL,
    // an upper-cased log line): the key is hidden whatever its case...
    text = replace_all(std::move(text), lower_case(secret));
    // ...and echoes the request URL with the key encoded, hex digits in
    // either case.
    for (const bool plus : {false, true}) {
        if (const auto encoded = url_encoded(secret, plus); encoded != lower_case(secret)) {
            text = replace_all(std::move(text), encoded);
        }
    }
    return text;
}

std::string display_url(const std::string& url) {
    return url.substr(0, url.find('?'));
}

std::optional<long> parse_retry_after(const std::string& value, long long now) {
    if (value.empty()) {
        return std::nullopt;
    }
    if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
        try {
            return std::stol(value);
        } catch (...) {
            return std::nullopt;
        }
    }
    const time_t when = libcurl().getdate(value.c_str(), nullptr);
    if (when < 0) {
        return std::nullopt;
    }
    return std::max<long>(0, static_cast<long>(when - now));
}

} // namespace sender
