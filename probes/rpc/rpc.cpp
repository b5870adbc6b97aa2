#include "probes/rpc/rpc.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/resolve.hpp"
#include "net/tcp_connect.hpp"
#include "probes/rpc/dcerpc_pdu.hpp"
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

namespace pf {

namespace {

namespace rpc = dcerpc;

std::string label(const rpc::SyntaxId& s) {
    auto name = rpc::interface_name(s.uuid);
    return name.empty()
               ? part(msg("rpc.unnamed_interface", {{"uuid", rpc::to_string(s.uuid)}})).text
               : name;
}

std::string full_label(const rpc::SyntaxId& s) {
    auto name = rpc::interface_name(s.uuid);
    return (name.empty() ? "" : name + " ") + rpc::to_string(s.uuid) + " v" +
           std::to_string(s.major) + "." + std::to_string(s.minor);
}

// One exchange of whole PDUs with the endpoint mapper: write, then read a
// header, then exactly the frag_length it announces, never more than
// dcerpc::max_frag. Every step is bound to the check's cancellation; at the
// deadline the step in progress says how far a silent peer got.
struct EpmRun : std::enable_shared_from_this<EpmRun> {
    EpmRun(asio::io_context& io, ProbeDone d) : io(io), done(std::move(d)) {}
    asio::io_context& io;
    CheckCancelPtr cancel;
    OnceDone done;
    std::string host, where;
    rpc::SyntaxId iface;
    bool connect = true;
    Clock::time_point deadline, t0, t_map;
    std::function<void()> cancel_connect;
    SocketPtr socket;
    rpc::Bytes out, in;
    std::size_t need = 0, received = 0;
    std::string stage; // what the peer is answering: the bind, the ept_map request
    ProbeResult partial;

    void end(ProbeResult r) {
        std::error_code ignore;
        if (socket) socket->close(ignore);
        done(std::move(r));
    }

    void finish(Status s, Reason why, Message m) {
        auto r = std::move(partial);
        r.status = s;
        r.reason = why;
        set_message(r, std::move(m));
        end(std::move(r));
    }

    void not_epm(Message m) { finish(Status::error, Reason::protocol_error, std::move(m)); }
    // reply: what the parser made of the answer.
    void not_epm(const std::string& reply) {
        not_epm(msg("rpc.not_epm", {{"where", where}, {"stage", stage}, {"reply", reply}}));
    }

    // A step ended by the check's cancellation.
    bool cancelled(const std::error_code& ec) {
        if (ec != asio::error::operation_aborted || !cancel->cancelled()) return false;
        on_deadline();
        return true;
    }

    void on_deadline() {
        auto within = seconds_left_text(t0, deadline);
        if (received == 0)
            return finish(
                Status::fail, Reason::timed_out,
                msg("rpc.no_answer", {{"where", where}, {"stage", stage}, {"within", within}}));
        not_epm(msg(
            "rpc.not_epm_stopped",
            {{"where", where}, {"stage", stage}, {"progress", progress()}, {"within", within}}));
    }

    void exchange(rpc::Bytes pdu, std::string what, std::function<void(rpc::Bytes)> on_reply) {
        out = std::move(pdu);
        stage = std::move(what);
        in.clear();
        need = received = 0;
        auto self = shared_from_this();
        asio::async_write(*socket, asio::buffer(out),
                          cancel->bind([self, on_reply](std::error_code ec, std::size_t) {
                              if (self->done.finished() || self->cancelled(ec)) return;
                              if (ec)
                                  return self->finish(
                                      Status::fail, Reason::connection_closed,
                                      msg("rpc.send_failed", {{"stage", self->stage},
                                                              {"where", self->where},
                                                              {"error", ec.message()}}));
                              self->read(rpc::header_size, on_reply);
                          }));
    }

    void read(std::size_t upto, std::function<void(rpc::Bytes)> on_reply) {
        if (received == upto) return got(on_reply);
        auto self = shared_from_this();
        in.resize(upto);
        socket->async_read_some(
            asio::buffer(in.data() + received, upto - received),
            cancel->bind([self, upto, on_reply](std::error_code ec, std::size_t n) {
                if (self->done.finished()) return;
                self->received += n;
                if (self->cancelled(ec)) return;
                if (ec) return self->cut_off(ec);
                self->read(upto, on_reply);
            }));
    }

    std::string progress() const {
        return part(msg("rpc.progress",
                        {{"received", received}, {"expected", need ? need : rpc::header_size}}))
            .text;
    }

    void cut_off(const std::error_code& ec) {
        if (received == 0)
            return not_epm(msg("rpc.not_epm_closed",
                               {{"where", where}, {"stage", stage}, {"error", ec.message()}}));
        not_epm(msg("rpc.not_epm_cut_off", {{"where", where},
                                            {"stage", stage},
                                            {"progress", progress()},
                                            {"error", ec.message()}}));
    }

    void got(const std::function<void(rpc::Bytes)>& on_reply) {
        if (need == 0) {
            auto h = rpc::parse_header(in.data(), received);
            if (!h) return not_epm(h.error);
            need = h.value->frag_length;
            return read(need, on_reply);
        }
        in.resize(received);
        on_reply(std::move(in));
    }

    // Resolving and connecting as the tcp probe does, for its diagnoses.
    void start(std::uint16_t port) {
        auto self = shared_from_this();
        cancel_connect = resolve_for_probe(
            io, host, cancel,
            [self, port](Resolution res) {
                self->cancel_connect =
                    connect_socket(self->io, {res.addresses.front(), port}, self->cancel,
                                   [self](ConnectOutcome o, SocketPtr s) {
                                       if (self->done.finished()) return;
                                       if (!s)
                                           return self->finish(Status::fail, connect_reason(o.kind),
                                                               connect_failure(o, self->host));
                                       self->partial.measurements.push_back(
                                           {"connect " + self->where, o.ms, "ms"});
                                       self->socket = s;
                                       if (self->cancel->cancelled()) return self->on_deadline();
                                       self->bind();
                                   });
            },
            [self](ProbeResult v) { self->end(std::move(v)); });
    }

    void rejected(Message m) { finish(Status::fail, Reason::protocol_error, std::move(m)); }

    void bind() {
        auto self = shared_from_this();
        exchange(rpc::encode_bind(1, rpc::endpoint_mapper()), part(msg("rpc.stage_bind")).text,
                 [self](rpc::Bytes pdu) {
                     auto ack = rpc::parse_bind_reply(pdu, 1);
                     if (!ack)
                         return ack.rejected ? self->rejected(
                                                   msg("rpc.bind_refused", {{"where", self->where},
                                                                            {"error", ack.error}}))
                                             : self->not_epm(ack.error);
                     add_evidence(self->partial,
                                  msg("rpc.bound", {{"address", ack.value->secondary_address},
                                                    {"max_fragment", ack.value->max_recv}}));
                     self->map();
                 });
    }

    void map() {
        auto self = shared_from_this();
        t_map = Clock::now();
        auto stub = rpc::encode_ept_map(iface);
        exchange(rpc::encode_request(2, rpc::opnum_ept_map, stub),
                 part(msg("rpc.stage_ept_map")).text, [self](rpc::Bytes pdu) {
                     auto stub = rpc::parse_response(pdu, 2);
                     if (!stub)
                         return stub.rejected ? self->rejected(msg("rpc.ept_map_refused",
                                                                   {{"where", self->where},
                                                                    {"error", stub.error}}))
                                              : self->not_epm(stub.error);
                     auto res = rpc::parse_ept_map(*stub.value);
                     if (!res) return self->not_epm(res.error);
                     self->partial.measurements.push_back({"ept_map", ms_since(self->t_map), "ms"});
                     self->mapped(*res.value);
                 });
    }

    void mapped(const rpc::EptMapResult& res) {
        std::error_code ignore;
        auto address = socket->remote_endpoint(ignore).address();
        socket->close(ignore);
        auto asked = full_label(iface);
        if (res.status == rpc::ept_s_not_registered ||
            res.status == rpc::ept_s_not_registered_win32 ||
            (res.status == 0 && res.towers.empty())) {
            add_evidence(partial,
                         msg("rpc.ept_map_status",
                             {{"interface", asked}, {"status", rpc::status_text(res.status)}}));
            bool ca = iface.uuid == rpc::cert_passage().uuid;
            return finish(
                Status::fail, Reason::rpc_not_registered,
                ca ? msg("rpc.ca_not_registered", {{"interface", label(iface)}, {"host", host}})
                   : msg("rpc.not_registered", {{"interface", label(iface)}, {"host", host}}));
        }
        if (res.status != 0)
            return rejected(msg(
                "rpc.ept_map_error",
                {{"where", where}, {"interface", asked}, {"error", rpc::status_text(res.status)}}));
        const rpc::Tower* tcp = nullptr;
        for (const auto& t : res.towers) {
            std::string ip = "?";
            if (t.ipv4) {
                ip.clear();
                for (auto b : *t.ipv4)
                    ip += (ip.empty() ? "" : ".") + std::to_string(b);
            }
            add_evidence(
                partial,
                t.tcp_port
                    ? msg("rpc.ept_map_tower",
                          {{"interface", asked}, {"address", ip}, {"port", *t.tcp_port}})
                    : msg("rpc.ept_map_tower_no_port", {{"interface", asked}, {"address", ip}}));
            if (!tcp && t.tcp_port) tcp = &t;
        }
        if (!tcp)
            return not_epm(msg("rpc.not_epm_no_tcp",
                               {{"where", where}, {"stage", stage}, {"interface", asked}}));
        auto port = *tcp->tcp_port;
        // Towers name the address the service bound (0.0.0.0 from Windows and
        // Samba); the address that reached port 135 is the one to use.
        auto name = label(iface);
        if (!connect)
            return finish(
                Status::pass, Reason::ok,
                msg("rpc.registered_not_connected",
                    {{"interface", name}, {"port", std::to_string(port)}, {"host", host}}));
        auto self = shared_from_this();
        cancel_connect =
            connect_once(io, {address, port}, cancel, [self, name, port](ConnectOutcome o) {
                if (self->done.finished()) return;
                self->partial.evidence.push_back(describe(o));
                auto p = std::to_string(port);
                switch (o.kind) {
                case ConnectOutcome::Kind::open:
                    self->partial.measurements.push_back({"connect " + p, o.ms, "ms"});
                    return self->finish(
                        Status::pass, Reason::ok,
                        msg("rpc.registered_answers",
                            {{"interface", name}, {"port", p}, {"host", self->host}}));
                case ConnectOutcome::Kind::refused:
                    return self->finish(
                        Status::fail, Reason::rpc_ports_filtered,
                        msg("rpc.registered_refused",
                            {{"interface", name}, {"port", p}, {"host", self->host}}));
                case ConnectOutcome::Kind::timed_out:
                    return self->finish(
                        Status::fail, Reason::rpc_ports_filtered,
                        msg("rpc.registered_timed_out",
                            {{"interface", name}, {"port", p}, {"host", self->host}}));
                default:
                    return self->finish(Status::fail, connect_reason(o.kind),
                                        msg("rpc.registered_connect_failed",
                                            {{"interface", name},
                                             {"port", p},
                                             {"host", self->host},
                                             {"failure", render(connect_failure(o, self->host))}}));
                }
            });
    }
};

} // namespace

ProbeKind rpc_epmap_probe() {
    ProbeKind k;
    k.name = "rpc_epmap";
    k.description = msg("probe.rpc_epmap.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.rpc_epmap.host")},
        {"port", ParamType::port, false, "135", msg("param.rpc_epmap.port")},
        {.name = "interface",
         .default_value = "91ae6020-9e3c-11cf-8d7c-00aa00c091be",
         .help = msg("param.rpc_epmap.interface"),
         .form = ValueForm{"UUID",
                           msg("param.rpc.interface_form",
                               {{"example", "91ae6020-9e3c-11cf-8d7c-00aa00c091be"}}),
                           [](std::string_view v) { return rpc::parse_uuid(v).has_value(); }}},
        {.name = "version",
         .default_value = "0.0",
         .help = msg("param.rpc_epmap.version"),
         .form = ValueForm{"major.minor", msg("param.rpc.version_form"),
                           [](std::string_view v) { return rpc::parse_version(v).has_value(); }}},
        {"connect", ParamType::boolean, false, "true", msg("param.rpc_epmap.connect")},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<EpmRun>(ctx.io, std::move(done));
        r->host = args.text("host");
        auto port = args.port("port");
        r->where = r->host + ":" + std::to_string(port);
        r->connect = args.boolean("connect");
        r->deadline = ctx.deadline;
        r->cancel = ctx.cancel;
        r->t0 = Clock::now();
        // Both forms were checked against the declaration before the run.
        auto version = *rpc::parse_version(args.text("version"));
        r->iface = {*rpc::parse_uuid(args.text("interface")), version.first, version.second};
        r->start(port);
        return [r] {
            if (r->cancel_connect) r->cancel_connect();
            r->finish(Status::error, Reason::interrupted, msg("rpc.cancelled"));
        };
    };
    return k;
}

} // namespace pf
