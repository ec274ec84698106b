package dev.kassa.relay.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver that misbehaves on purpose, on raw sockets (no HTTP library would let it), one way per path:
 * {@code /trickle} (200, Content-Length 1 MB, then one byte every 500 ms), {@code /silent} (reads the request, never
 * answers), {@code /endless-200} and {@code /endless-503} (a chunked body that never ends), {@code /gigabyte} (200 with
 * a 1 GB body), {@code /redirect} (302 to cloud metadata), {@code /informational} (102 Processing, forever),
 * {@code /garbage} (not HTTP). {@link #tlsStallUrl} accepts and never answers a TLS handshake. It counts the
 * connections open per path, now and at most, so a test can tell how many the relay held.
 */
public final class HostileReceiver implements AutoCloseable {

    private final ServerSocket server;
    private final ServerSocket tlsStall;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-receiver");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger tlsOpen = new AtomicInteger();

    public HostileReceiver() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        tlsStall = new ServerSocket();
        tlsStall.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        threads.execute(() -> accept(server, this::serve));
        threads.execute(() -> accept(tlsStall, socket -> {
            tlsOpen.incrementAndGet();
            try (socket) {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream()); // reads the ClientHello, says nothing
            } catch (IOException e) {
                // the client gave up
            } finally {
                tlsOpen.decrementAndGet();
            }
        }));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    public String tlsStallUrl() {
        return "https://127.0.0.1:" + tlsStall.getLocalPort() + "/hooks";
    }

    /** Connections open now on {@code path} (counted once its request line is read). */
    public int open(String path) {
        return open.getOrDefault(path, new AtomicInteger()).get();
    }

    /** The most connections that were ever open at once on {@code path}. */
    public int mostOpen(String path) {
        return most.getOrDefault(path, new AtomicInteger()).get();
    }

    public int requests(String path) {
        return requests.getOrDefault(path, new AtomicInteger()).get();
    }

    public int tlsOpen() {
        return tlsOpen.get();
    }

    private interface Handler {
        void handle(Socket socket);
    }

    private void accept(ServerSocket socket, Handler handler) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                threads.execute(() -> handler.handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        String path = null;
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) { // keep-alive: the /redirect and /garbage answers may be followed by more requests
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String requestPath = head.split(" ", 3)[1];
                if (path == null) {
                    path = requestPath;
                    int now = open.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    most.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                }
                requests.computeIfAbsent(requestPath, p -> new AtomicInteger()).incrementAndGet();
                in.readNBytes(contentLength(head));
                if (!answer(requestPath, out, threads)) {
                    in.transferTo(OutputStream.nullOutputStream()); // until the relay closes the connection
                    return;
                }
            }
        } catch (IOException e) {
            // the relay closed it: what it should do with all of these
        } finally {
            if (path != null) {
                open.get(path).decrementAndGet();
            }
        }
    }

    /** A never-ending answer, written on its own thread while the connection's thread watches for the relay's close. */
    private interface Endless {
        void write() throws IOException, InterruptedException;
    }

    private static boolean endless(ExecutorService threads, Endless writer) {
        threads.execute(() -> {
            try {
                writer.write();
            } catch (IOException | InterruptedException e) {
                // the relay closed the connection
            }
        });
        return false;
    }

    /** Answers one request; false when the answer goes on until the relay closes the connection. */
    private static boolean answer(String path, OutputStream out, ExecutorService threads) throws IOException {
        switch (path) {
            case "/trickle" -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
                return endless(threads, () -> {
                    while (true) {
                        out.write('.');
                        out.flush();
                        Thread.sleep(500);
                    }
                });
            }
            case "/silent" -> {
                return false; // the caller waits for the client to close
            }
            case "/endless-200", "/endless-503" -> {
                write(out, "HTTP/1.1 " + (path.endsWith("200") ? "200 OK" : "503 Busy") + "\r\nTransfer-Encoding: chunked\r\n\r\n");
                byte[] chunk = ("400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                return endless(threads, () -> {
                    while (true) {
                        out.write(chunk);
                    }
                });
            }
            case "/gigabyte" -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n");
                byte[] block = new byte[64 * 1024];
                for (long sent = 0; sent < 1L << 30; sent += block.length) {
                    out.write(block);
                }
                return true;
            }
            case "/redirect" -> {
                write(out, "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\nContent-Length: 0\r\n\r\n");
                return true;
            }
            case "/informational" -> {
                return endless(threads, () -> {
                    while (true) {
                        write(out, "HTTP/1.1 102 Processing\r\n\r\n");
                        Thread.sleep(10);
                    }
                });
            }
            case "/garbage" -> {
                write(out, "SMTP READY, NOT HTTP\r\n\r\n");
                return false;
            }
            default -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                return true;
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (head.size() < 64 * 1024) {
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

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
        tlsStall.close();
        threads.shutdownNow();
    }
}
