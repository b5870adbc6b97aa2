#include "base/text.hpp"
#include "net/negotiate.hpp"
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

namespace pf {

namespace {

// SPNEGO (RFC 4178), as browsers and curl use it for HTTP Negotiate: the
// proxy may accept Kerberos or whatever else both ends support.
gss_OID_desc spnego_oid{6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};
// Kerberos 5 (RFC 1964): asked for directly only to tell why SPNEGO found
// nothing to offer.
gss_OID_desc krb5_oid{9, const_cast<char*>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x02")};

std::string status_text(OM_uint32 code, int type, gss_OID mech) {
    std::string out;
    OM_uint32 context = 0, minor = 0;
    // Bounded: a broken mechanism must not keep us here.
    for (int i = 0; i < 8; ++i) {
        gss_buffer_desc text{0, nullptr};
        if (gss_display_status(&minor, code, type, mech, &context, &text) != GSS_S_COMPLETE) break;
        if (text.length > 0) {
            if (!out.empty()) out += "; ";
            out.append(static_cast<const char*>(text.value), text.length);
        }
        gss_release_buffer(&minor, &text);
        if (context == 0) break;
    }
    return out;
}

// The Kerberos library's error codes are its minor statuses; the text
// decides when a mechanism reports them under its own numbers.
Reason classify(OM_uint32 major, OM_uint32 minor, const std::string& text) {
    auto code = static_cast<krb5_error_code>(minor);
    std::string t = lower(text);
    if (code == KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN ||
        t.find("server not found in kerberos database") != std::string::npos)
        return Reason::kerberos_unknown_service;
    if (code == KRB5KRB_AP_ERR_SKEW || t.find("clock skew") != std::string::npos)
        return Reason::clock_skew;
    if (GSS_ROUTINE_ERROR(major) == GSS_S_NO_CRED ||
        GSS_ROUTINE_ERROR(major) == GSS_S_CREDENTIALS_EXPIRED || code == KRB5_FCC_NOFILE ||
        code == KRB5_CC_NOTFOUND || code == KRB5KRB_AP_ERR_TKT_EXPIRED ||
        t.find("no kerberos credentials") != std::string::npos ||
        t.find("no credentials cache") != std::string::npos ||
        t.find("ticket expired") != std::string::npos)
        return Reason::kerberos_no_ticket;
    return Reason::kerberos_failed;
}

NegotiateStep failed(OM_uint32 major, OM_uint32 minor, gss_OID mech) {
    NegotiateStep s;
    std::string minor_text = minor != 0 ? status_text(minor, GSS_C_MECH_CODE, mech) : "";
    s.detail = status_text(major, GSS_C_GSS_CODE, GSS_C_NO_OID);
    if (!minor_text.empty()) s.detail += (s.detail.empty() ? "" : ": ") + minor_text;
    s.reason = classify(major, minor, s.detail);
    return s;
}

// SPNEGO hides the Kerberos mechanism's own complaint behind "no
// credentials" or an unspecified failure: asking Kerberos itself for the
// user's credentials, then for a ticket to target, names the missing cache,
// the unknown service principal or the skewed clock.
void explain_with_kerberos(NegotiateStep& s, gss_name_t target) {
    OM_uint32 minor = 0;
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    gss_OID_set_desc mechs{1, &krb5_oid};
    OM_uint32 major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs,
                                       GSS_C_INITIATE, &cred, nullptr, nullptr);
    if (major == GSS_S_COMPLETE) {
        gss_ctx_id_t context = GSS_C_NO_CONTEXT;
        gss_buffer_desc out{0, nullptr};
        major = gss_init_sec_context(&minor, cred, &context, target, &krb5_oid, 0, GSS_C_INDEFINITE,
                                     GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, nullptr, &out,
                                     nullptr, nullptr);
        OM_uint32 ignore = 0;
        gss_release_buffer(&ignore, &out);
        if (context != GSS_C_NO_CONTEXT) gss_delete_sec_context(&ignore, &context, GSS_C_NO_BUFFER);
        gss_release_cred(&ignore, &cred);
        if (!GSS_ERROR(major)) return;
    }
    NegotiateStep k = failed(major, minor, &krb5_oid);
    if (k.reason != Reason::kerberos_failed || s.reason == Reason::kerberos_failed) {
        s.reason = k.reason;
        s.detail = k.detail;
    }
}

} // namespace

struct NegotiateClient::Impl {
    gss_ctx_id_t context = GSS_C_NO_CONTEXT;
    gss_name_t target = GSS_C_NO_NAME;
    bool complete = false;

    ~Impl() {
        OM_uint32 minor = 0;
        if (context != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &context, GSS_C_NO_BUFFER);
        if (target != GSS_C_NO_NAME) gss_release_name(&minor, &target);
    }

    NegotiateStep init(const std::string* input) {
        OM_uint32 minor = 0;
        gss_buffer_desc in{0, nullptr};
        if (input) in = {input->size(), const_cast<char*>(input->data())};
        gss_buffer_desc out{0, nullptr};
        OM_uint32 major =
            gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &context, target, &spnego_oid, 0,
                                 GSS_C_INDEFINITE, GSS_C_NO_CHANNEL_BINDINGS,
                                 input ? &in : GSS_C_NO_BUFFER, nullptr, &out, nullptr, nullptr);
        NegotiateStep s;
        if (GSS_ERROR(major)) {
            gss_release_buffer(&minor, &out);
            s = failed(major, minor, &spnego_oid);
            if (!input) explain_with_kerberos(s, target);
            return s;
        }
        complete = major == GSS_S_COMPLETE;
        s.state = out.length > 0 ? NegotiateStep::State::token : NegotiateStep::State::complete;
        s.token = base64(std::string_view(static_cast<const char*>(out.value), out.length));
        gss_release_buffer(&minor, &out);
        return s;
    }
};

NegotiateClient::NegotiateClient() : impl_(std::make_unique<Impl>()) {}
NegotiateClient::~NegotiateClient() = default;

NegotiateStep NegotiateClient::start(const std::string& host) {
    std::string service = "HTTP@" + host;
    gss_buffer_desc name{service.size(), service.data()};
    OM_uint32 minor = 0;
    OM_uint32 major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &impl_->target);
    if (GSS_ERROR(major)) return failed(major, minor, GSS_C_NO_OID);
    return impl_->init(nullptr);
}

NegotiateStep NegotiateClient::continue_with(const std::string& server_bytes) {
    return impl_->init(&server_bytes);
}

bool NegotiateClient::complete() const {
    return impl_->complete;
}

} // namespace pf
