"""HTTPS end to end: a self-signed certificate made with the `openssl` command, `vaedyn serve
--tls-cert --tls-key` on loopback, and clients that are curl (`--cacert`), Python's `ssl`
module, an old-protocol client, a client that sends garbage instead of a handshake and one
that stalls in the middle of it; `vaedyn health` over TLS."""
import http.client, json, os, socket, ssl, subprocess, time, warnings

import pytest

from support import ROOT, Server


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """(certificate, its key, another key), PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key, other = (str(folder / n) for n in ("cert.pem", "key.pem", "other-key.pem"))
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-keyout", key, "-out", cert, "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", other)
    return cert, key, other


@pytest.fixture(scope="module")
def server(binary, model, keys):
    cert, key, _ = keys
    server = Server(binary, [model], config={"tls": {"handshakeTimeout": 1}}, flags=("--tls-cert", cert, "--tls-key", key), scheme="https")
    yield server
    assert server.stop() == 0, "a graceful stop exits 0"


def client_context(cert, **versions):
    context = ssl.create_default_context(cafile=cert)
    for name, value in versions.items():
        setattr(context, name, value)
    return context


def closed_by_server(sock, within):
    """True when the server ends the connection (EOF or reset) within `within` seconds."""
    sock.settimeout(within)
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_curl_with_cacert_gets_health_and_a_stream(server, keys):
    cert = keys[0]
    out = subprocess.run(["curl", "-sS", "--fail", "--cacert", cert, server.url + "/healthz"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and json.loads(out.stdout)["status"] == "ok", out.stderr
    out = subprocess.run(["curl", "-sS", "--fail", "--cacert", cert, "-H", "Content-Type: application/json",
                          "-d", json.dumps({"image": {"exemplar": {"digit": 3}}, "steps": 4, "trials": 20}),
                          server.url + "/dynamics"], capture_output=True, text=True, timeout=60)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 0, out.stderr
    assert [r["type"] for r in records] == ["start"] + ["step"] * 5 + ["summary"], [r["type"] for r in records]


def test_curl_without_the_ca_refuses_the_self_signed_certificate(server):
    out = subprocess.run(["curl", "-sS", server.url + "/healthz"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 60, (out.returncode, out.stderr)


def test_python_ssl_keeps_alive_and_moves_large_bodies_intact(server, keys):
    connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=client_context(keys[0]), timeout=30)
    expected = open(os.path.join(ROOT, "public", "index.html"), "rb").read()
    for _ in range(3):
        connection.request("GET", "/index.html", headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        assert response.status == 200 and response.read() == expected
    # Bodies far larger than one TLS record (16 KiB), both ways.
    body = json.dumps({"image": {"pixels": [i / 783 for i in range(784)]}, "steps": 2, "trials": 10}, indent=40)
    assert len(body) > 48 * 1024
    connection.request("POST", "/dynamics", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200 and response.read().count(b'"type":"step"') == 3
    connection.request("GET", "/concepts")
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200 and len(body) > 64 * 1024 and json.loads(body)["concepts"], len(body)
    assert connection.sock.version() in ("TLSv1.2", "TLSv1.3"), connection.sock.version()
    connection.close()


def test_tls_1_2_is_accepted(server, keys):
    context = client_context(keys[0], maximum_version=ssl.TLSVersion.TLSv1_2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() == "TLSv1.2"
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := tls.recv(4096):
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200"), reply[:100]


def test_tls_1_1_is_refused_by_the_server(server, keys):
    warnings.simplefilter("ignore", DeprecationWarning)  # the point is to use the old version
    context = client_context(keys[0], minimum_version=ssl.TLSVersion.TLSv1_1, maximum_version=ssl.TLSVersion.TLSv1_1)
    # The client's own policy would otherwise refuse to offer TLS 1.1 at all, and the test
    # would prove nothing about the server.
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLError) as refused:
            context.wrap_socket(raw, server_hostname="localhost")
        assert "PROTOCOL_VERSION" in str(refused.value).upper().replace(" ", "_"), refused.value


def test_garbage_instead_of_a_handshake_is_closed_and_the_server_goes_on(server, keys):
    for garbage in [os.urandom(2048), b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", b"\x16\x03\x01\x00\x05hello" * 50]:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(garbage)
            assert closed_by_server(sock, within=5), garbage[:20]
    connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=client_context(keys[0]), timeout=10)
    connection.request("GET", "/healthz")
    assert connection.getresponse().status == 200


def test_a_stalled_handshake_is_timed_out(server):
    hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"  # a ClientHello that stops after its version
    for first_bytes in [b"", hello]:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(first_bytes)
            started = time.monotonic()
            assert closed_by_server(sock, within=5), first_bytes
            elapsed = time.monotonic() - started
            assert 0.8 < elapsed < 4, elapsed  # tls.handshakeTimeout is 1 s here
            print(f"  figure: handshake stalled after {len(first_bytes)} bytes closed after {elapsed * 1000:.0f} ms")


def test_the_parser_limits_apply_over_tls(server, keys):
    connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=client_context(keys[0]), timeout=10)
    connection.request("GET", "/healthz", headers={"X-Big": "y" * 40000})
    assert connection.getresponse().status == 431


def test_the_health_command_speaks_tls_when_the_settings_say_so(binary, server, keys):
    cert, key, _ = keys

    def health(**env):
        return subprocess.run([binary, "health", "--port", str(server.port)], cwd=ROOT, capture_output=True, text=True,
                              timeout=30, env=dict(os.environ, **env))
    out = health(VAEDYN_TLS_CERTIFICATE=cert, VAEDYN_TLS_KEY=key)
    assert out.returncode == 0 and out.stdout.strip() == "healthy", (out.returncode, out.stdout, out.stderr)
    out = health()
    assert out.returncode != 0 and "is TLS on there?" in out.stderr, (out.returncode, out.stderr)


@pytest.mark.parametrize("flags, needle", [
    (("--tls-cert", "{cert}"), "tls.key"),
    (("--tls-key", "{key}"), "tls.certificate"),
    (("--tls-cert", "{cert}.missing", "--tls-key", "{key}"), "No such file"),
    (("--tls-cert", "{key}", "--tls-key", "{key}"), "not a PEM certificate"),
    (("--tls-cert", "{cert}", "--tls-key", "{other}"), "does not belong"),
])
def test_bad_tls_settings_stop_the_start_with_a_clear_message(binary, model, keys, flags, needle):
    cert, key, other = keys
    flags = [f.format(cert=cert, key=key, other=other) for f in flags]
    out = subprocess.run([binary, "serve", "--port", "0", "--model", model, *flags], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and needle in out.stderr, (flags, out.returncode, out.stderr)
