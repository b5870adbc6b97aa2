#include "base/text.hpp"
#include "net/negotiate.hpp"
#include <cstdio>
#include <vector>
#include <windows.h>
// After windows.h, which it needs; SECURITY_WIN32 picks the user-mode API.
#define SECURITY_WIN32
#include <security.h>

namespace pf {

namespace {

std::wstring widen(const std::string& s) {
    std::wstring w(s.size() + 1, L'\0');
    int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(),
                                static_cast<int>(w.size()));
    w.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return w;
}

std::string status_text(SECURITY_STATUS status) {
    char* text = nullptr;
    DWORD n = FormatMessageA(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, static_cast<DWORD>(status), 0, reinterpret_cast<char*>(&text), 0, nullptr);
    std::string out = n > 0 && text ? std::string(text, n) : std::string();
    if (text) LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' '))
        out.pop_back();
    char code[16];
    std::snprintf(code, sizeof code, "0x%08lX", static_cast<unsigned long>(status));
    return out.empty() ? std::string("SSPI status ") + code : out + " (" + code + ")";
}

NegotiateStep failed(SECURITY_STATUS status) {
    NegotiateStep s;
    s.detail = status_text(status);
    switch (status) {
    case SEC_E_NO_CREDENTIALS:
    case SEC_E_NO_AUTHENTICATING_AUTHORITY:
    case SEC_E_LOGON_DENIED:
        s.reason = Reason::kerberos_no_ticket;
        break;
    case SEC_E_TARGET_UNKNOWN:
    case SEC_E_WRONG_PRINCIPAL:
        s.reason = Reason::kerberos_unknown_service;
        break;
    case SEC_E_TIME_SKEW:
        s.reason = Reason::clock_skew;
        break;
    default:
        s.reason = Reason::kerberos_failed;
    }
    return s;
}

} // namespace

struct NegotiateClient::Impl {
    CredHandle credentials{};
    CtxtHandle context{};
    bool have_credentials = false, have_context = false, complete = false;
    std::wstring target;

    ~Impl() {
        if (have_context) DeleteSecurityContext(&context);
        if (have_credentials) FreeCredentialsHandle(&credentials);
    }

    NegotiateStep init(const std::string* input) {
        std::vector<unsigned char> out_bytes(48 * 1024); // SSPI's largest Negotiate token
        SecBuffer out_buffer{static_cast<unsigned long>(out_bytes.size()), SECBUFFER_TOKEN,
                             out_bytes.data()};
        SecBufferDesc out{SECBUFFER_VERSION, 1, &out_buffer};
        std::string in_bytes = input ? *input : std::string();
        SecBuffer in_buffer{static_cast<unsigned long>(in_bytes.size()), SECBUFFER_TOKEN,
                            in_bytes.data()};
        SecBufferDesc in{SECBUFFER_VERSION, 1, &in_buffer};
        unsigned long attributes = 0;
        SECURITY_STATUS status = InitializeSecurityContextW(
            &credentials, have_context ? &context : nullptr, target.data(), ISC_REQ_CONNECTION, 0,
            SECURITY_NATIVE_DREP, input ? &in : nullptr, 0, &context, &out, &attributes, nullptr);
        if (status == SEC_I_COMPLETE_NEEDED || status == SEC_I_COMPLETE_AND_CONTINUE) {
            SECURITY_STATUS completed = CompleteAuthToken(&context, &out);
            if (completed != SEC_E_OK) return failed(completed);
        }
        if (status != SEC_E_OK && status != SEC_I_CONTINUE_NEEDED &&
            status != SEC_I_COMPLETE_NEEDED && status != SEC_I_COMPLETE_AND_CONTINUE)
            return failed(status);
        have_context = true;
        complete = status == SEC_E_OK || status == SEC_I_COMPLETE_NEEDED;
        NegotiateStep s;
        s.state =
            out_buffer.cbBuffer > 0 ? NegotiateStep::State::token : NegotiateStep::State::complete;
        s.token = base64(
            std::string_view(reinterpret_cast<const char*>(out_bytes.data()), out_buffer.cbBuffer));
        return s;
    }
};

NegotiateClient::NegotiateClient() : impl_(std::make_unique<Impl>()) {}
NegotiateClient::~NegotiateClient() = default;

NegotiateStep NegotiateClient::start(const std::string& host) {
    impl_->target = widen(negotiate_service_principal(host));
    TimeStamp expiry;
    // The logon session's credentials: no user or password given.
    SECURITY_STATUS status =
        AcquireCredentialsHandleW(nullptr, const_cast<wchar_t*>(L"Negotiate"), SECPKG_CRED_OUTBOUND,
                                  nullptr, nullptr, nullptr, nullptr, &impl_->credentials, &expiry);
    if (status != SEC_E_OK) return failed(status);
    impl_->have_credentials = true;
    return impl_->init(nullptr);
}

NegotiateStep NegotiateClient::continue_with(const std::string& server_bytes) {
    return impl_->init(&server_bytes);
}

bool NegotiateClient::complete() const {
    return impl_->complete;
}

} // namespace pf
