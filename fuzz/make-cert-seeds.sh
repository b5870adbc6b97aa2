#!/bin/sh
# Seeds for the certificate fuzzers, made fresh at build time so that no
# private key is ever committed: a CA and a server certificate as PEM (with
# and without their key, the key also encrypted), DER, PKCS#12 (password
# "fuzz", as cert_file_fuzz tries it) and a certificates-only PKCS#7 bundle
# as SCEP's GetCACert answers.
#   fuzz/make-cert-seeds.sh OUT_DIR
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/x509" "$out/cert_file" "$out/scep"
cd "$tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 30 -subj "/CN=Fuzz Seed CA" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr \
  -subj "/CN=fuzz.example.test/O=Preflight" 2>/dev/null
printf 'subjectAltName=DNS:fuzz.example.test,IP:127.0.0.1,email:a@example.test,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:a@example.test\nextendedKeyUsage=serverAuth,clientAuth\n' > ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 20 -extfile ext \
  -out leaf.pem 2>/dev/null
# Credentials-bearing seeds go with a prefix byte: odd tries the password "fuzz".
seed() { printf "$1" > "$out/cert_file/$2"; cat "$3" >> "$out/cert_file/$2"; }
openssl x509 -in leaf.pem -outform DER -out leaf.der
openssl x509 -in ca.pem -outform DER -out ca.der
cat leaf.der ca.der > "$out/x509/chain.der"
cp leaf.der "$out/x509/leaf.der"
cat leaf.pem ca.pem > chain.pem
cat leaf.pem leaf.key ca.pem > with_key.pem
openssl pkey -in leaf.key -aes256 -passout pass:fuzz -out enc.key
cat leaf.pem enc.key > enc_key.pem
openssl pkcs12 -export -in leaf.pem -inkey leaf.key -certfile ca.pem -passout pass:fuzz \
  -out leaf.p12 2>/dev/null
openssl pkcs12 -export -nokeys -in chain.pem -passout pass: -out certs.p12 2>/dev/null
seed '\000' chain.pem chain.pem
seed '\000' with_key.pem with_key.pem
seed '\001' enc_key.pem enc_key.pem
seed '\000' leaf.der leaf.der
seed '\001' leaf.p12 leaf.p12
seed '\000' certs.p12 certs.p12
openssl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out "$out/scep/bundle.p7b"
cp ca.der "$out/scep/ca.der"
cp chain.pem "$out/scep/chain.pem"
