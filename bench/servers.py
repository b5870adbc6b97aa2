"""The loopback servers of the benchmark, started inside its namespace: a
private CA and a server certificate made for the run, nginx (HTTPS 443 and
HTTP 80), slapd (389, 636, 3268, 3269), exim (SMTP with STARTTLS on 2525)
and helper.c's listener (the open TCP ports). Servers keeps each process so
that every one is stopped by its PID.
"""
import os
import pwd
import shutil
import socket
import subprocess
import time

from checklists import OPEN_COUNT, OPEN_FIRST


def sh(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {r.stderr.strip()}")
    return r.stdout


# ------------------------------------------------------------ servers

class Servers:
    """Every process started here, stopped by PID in reverse order."""

    def __init__(self):
        self.procs = []

    def start(self, name, argv, log, **kw):
        p = subprocess.Popen(argv, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, **kw)
        self.procs.append((name, p))
        return p

    def stop(self):
        for _, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for name, p in reversed(self.procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs.clear()


def wait_port(port, proc, name, log, seconds=10):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited while starting:\n{open(log).read()[-2000:]}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {seconds} s")


def make_pki(d):
    """A private CA and one server certificate for every bench name, valid a
    year (beyond the 60-day expiry warning, under the 398-day maximum)."""
    ossl = ["openssl"]
    sh(ossl + ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/ca.key",
               "-out", f"{d}/ca.pem", "-days", "3650", "-subj", "/CN=preflight bench CA",
               "-addext", "basicConstraints=critical,CA:TRUE",
               "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    sh(ossl + ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/leaf.key",
               "-out", f"{d}/leaf.csr", "-subj", "/CN=tls.bench.test"])
    names = ",".join(f"DNS:{n}.bench.test" for n in
                     ("tls", "awcm", "console", "ldap", "mail", "filtered"))
    with open(f"{d}/leaf.ext", "w") as f:
        f.write(f"subjectAltName={names},IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    sh(ossl + ["x509", "-req", "-in", f"{d}/leaf.csr", "-CA", f"{d}/ca.pem", "-CAkey",
               f"{d}/ca.key", "-CAcreateserial", "-days", "365", "-sha256",
               "-extfile", f"{d}/leaf.ext", "-out", f"{d}/leaf.pem"])
    os.chmod(f"{d}/leaf.key", 0o640)
    # The ACC checklist's tls checks treat a root added with --ca-file as TLS
    # inspection unless the public-roots set knows it: the system's bundle
    # plus this CA stands in for an AWCM with a public certificate, and keeps
    # the cost of the full bundle in the figures.
    with open(f"{d}/public-roots.pem", "w") as out:
        for src in ("/etc/ssl/certs/ca-certificates.crt", f"{d}/ca.pem"):
            if os.path.exists(src):
                out.write(open(src).read())


def nginx_temp_paths():
    v = subprocess.run(["nginx", "-V"], capture_output=True, text=True).stderr
    return ["client_body"] + [m for m in ("proxy", "fastcgi", "uwsgi", "scgi")
                              if f"--without-http_{m}_module" not in v]


def start_nginx(srv, d):
    temp = "".join(f"  {m}_temp_path {d}/nginx_{m};\n" for m in nginx_temp_paths())
    conf = f"""daemon off;
worker_processes 2;
worker_rlimit_nofile 20000;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  default_type text/plain;
{temp}  server {{
    listen 127.0.0.1:443 ssl backlog=4096;
    ssl_certificate {d}/leaf.pem;
    ssl_certificate_key {d}/leaf.key;
    location = /awcm/status {{ return 200 "AWCM OK\\n"; }}
    location / {{ return 200 "ok\\n"; }}
  }}
  server {{
    listen 127.0.0.1:80 backlog=4096;
    location / {{ return 200 "ok\\n"; }}
  }}
}}
"""
    with open(f"{d}/nginx.conf", "w") as f:
        f.write(conf)
    log = f"{d}/nginx.out"
    p = srv.start("nginx", ["nginx", "-c", f"{d}/nginx.conf", "-e", f"{d}/nginx-error.log"], log)
    wait_port(443, p, "nginx", log)
    wait_port(80, p, "nginx", log)


def start_slapd(srv, d):
    os.makedirs(f"{d}/ldap-db")
    conf = "".join(f"include /etc/ldap/schema/{s}.schema\n" for s in ("core", "cosine", "inetorgperson"))
    conf += (f"pidfile {d}/slapd.pid\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n"
             f"TLSCertificateFile {d}/leaf.pem\nTLSCertificateKeyFile {d}/leaf.key\n"
             f"database mdb\nmaxsize 10485760\nsuffix \"dc=bench,dc=test\"\n"
             f"rootdn \"cn=admin,dc=bench,dc=test\"\nrootpw {os.urandom(12).hex()}\n"
             f"directory {d}/ldap-db\naccess to * by * read\n")
    with open(f"{d}/slapd.conf", "w") as f:
        f.write(conf)
    with open(f"{d}/base.ldif", "w") as f:
        f.write("dn: dc=bench,dc=test\nobjectClass: dcObject\nobjectClass: organization\n"
                "o: Bench\ndc: bench\n\n")
    sh(["slapadd", "-f", f"{d}/slapd.conf", "-l", f"{d}/base.ldif"])
    urls = "ldap://127.0.0.1:389/ ldaps://127.0.0.1:636/ ldap://127.0.0.1:3268/ ldaps://127.0.0.1:3269/"
    log = f"{d}/slapd.log"
    # -d keeps it in the foreground, so its PID is the one to stop.
    p = srv.start("slapd", ["slapd", "-d", "0", "-f", f"{d}/slapd.conf", "-h", urls], log)
    for port in (389, 636, 3268, 3269):
        wait_port(port, p, "slapd", log)


def start_exim(srv, d):
    """Exim with a configuration of its own drops to Debian-exim, which must
    own its directory and read the key; hence a port above 1024."""
    e = f"{d}/exim"
    os.makedirs(f"{e}/spool")
    shutil.copy(f"{d}/leaf.pem", f"{e}/cert.pem")
    shutil.copy(f"{d}/leaf.key", f"{e}/key.pem")
    os.chmod(f"{e}/key.pem", 0o640)
    pw = pwd.getpwnam("Debian-exim")
    for root, dirs, files in os.walk(e):
        for n in dirs + files:
            os.chown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)
    os.chown(e, pw.pw_uid, pw.pw_gid)
    conf = f"""primary_hostname = mail.bench.test
daemon_smtp_ports = 2525
local_interfaces = 127.0.0.1
spool_directory = {e}/spool
log_file_path = {e}/%slog
pid_file_path = {e}/exim.pid
host_lookup =
rfc1413_query_timeout = 0s
keep_environment =
tls_advertise_hosts = *
tls_certificate = {e}/cert.pem
tls_privatekey = {e}/key.pem
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  deny message = relay not permitted
"""
    with open(f"{d}/exim.conf", "w") as f:
        f.write(conf)
    log = f"{d}/exim.out"
    p = srv.start("exim", ["exim", "-C", f"{d}/exim.conf", "-bdf"], log)
    wait_port(2525, p, "exim", log)


def start_listener(srv, d, helper):
    log = f"{d}/listen.log"
    p = srv.start("listener", [helper, "listen", str(OPEN_FIRST), str(OPEN_COUNT)], log)
    wait_port(OPEN_FIRST + OPEN_COUNT - 1, p, "helper listen", log)


