package dev.kassa.relay.delivery;

import dev.kassa.model.SsrfGuard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process {@code CONNECT} tunnel on loopback through which the {@link HttpDispatcher} sends every HTTPS
 * webhook. The JDK's HttpClient resolves host names itself and offers no hook between resolving and connecting, so a
 * check done before the call could be answered by one DNS reply and the connection made to another (DNS rebinding).
 * Here the tunnel resolves the host once, checks every address with the {@link SsrfGuard}, and opens the TCP
 * connection to exactly a checked address; TLS still runs end to end between the client and the merchant (SNI and
 * certificate checks against the merchant's host name), the tunnel only copies bytes.
 *
 * <p>Only the client of this relay uses it: it listens on loopback, on a port of the system's choosing, and opens no
 * connection the guard refuses, so it cannot be used to reach anything a webhook could not reach.
 */
public final class GuardedTunnel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedTunnel.class);
    private static final Pattern CONNECT = Pattern.compile("CONNECT ([^\\s:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5}) HTTP/1\\.[01]");
    private static final int MAX_HEAD = 8192;

    private final SsrfGuard guard;
    private final Duration connectTimeout;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    public GuardedTunnel(SsrfGuard guard, Duration connectTimeout) throws IOException {
        this.guard = guard;
        this.connectTimeout = connectTimeout;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kassa-webhook-tunnel");
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /** Where the client finds the tunnel (a loopback address). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.warn("webhook tunnel: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            client.setSoTimeout((int) Math.max(1000, connectTimeout.toMillis()));
            String head = readHead(client.getInputStream());
            String requestLine = head == null ? "" : head.lines().findFirst().orElse("");
            Matcher m = CONNECT.matcher(requestLine);
            if (!m.matches()) {
                answer(client, "400 Bad Request", "only CONNECT host:port is served here");
                return;
            }
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            int port = Integer.parseInt(m.group(2));
            SsrfGuard.Resolution resolution = guard.resolve(host.toLowerCase(Locale.ROOT));
            if (resolution.refused()) {
                answer(client, "403 Forbidden", "refused: " + resolution.refusal());
                return;
            }
            IOException last = null;
            for (InetAddress address : resolution.addresses()) {
                Socket candidate = new Socket();
                try {
                    candidate.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
                    upstream = candidate;
                    break;
                } catch (IOException e) {
                    candidate.close();
                    last = e;
                }
            }
            if (upstream == null) {
                answer(client, "502 Bad Gateway", "could not connect to " + host + ":" + port
                        + (last == null ? "" : " (" + last.getMessage() + ")"));
                return;
            }
            client.setSoTimeout(0);
            OutputStream toClient = client.getOutputStream();
            toClient.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            toClient.flush();
            Socket up = upstream;
            threads.execute(() -> copy(up, client));
            copy(client, up);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Copies until either side ends, then closes both, so the other direction's copy ends too. */
    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: the connection is over
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The request head up to the blank line, or null when the client sent more than a CONNECT head may be. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void answer(Socket client, String status, String reason) throws IOException {
        byte[] body = reason.getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        client.close();
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
            threads.shutdownNow();
        }
    }
}
