package dev.kassa.relay.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Node.js receiver verifying as seed 003's Node snippet does: the raw body bytes (what express.raw hands
 * over; here read with node's own http module so the test needs no npm download), crypto.createHmac('sha256',
 * secret).update(raw).digest('hex'), compared with crypto.timingSafeEqual.
 */
class NodeReceiverTest {

    private static final String RECEIVER = """
            const http = require('http');
            const crypto = require('crypto');
            const secret = process.env.WEBHOOK_SECRET;
            const server = http.createServer((req, res) => {
              const chunks = [];
              req.on('data', c => chunks.push(c));
              req.on('end', () => {
                const raw = Buffer.concat(chunks);
                const sig = req.headers['x-signature'] || '';
                const calc = crypto.createHmac('sha256', secret).update(raw).digest('hex');
                const ok = sig.length === calc.length && crypto.timingSafeEqual(Buffer.from(calc), Buffer.from(sig));
                if (!ok) { res.statusCode = 401; res.end('invalid signature'); return; }
                const data = JSON.parse(raw.toString('utf8'));
                res.statusCode = 200; res.end('ok ' + data.status);
              });
            });
            server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
            """;

    @TempDir
    Path dir;

    @Test
    void a_node_receiver_accepts_the_signature_and_refuses_a_tampered_body() throws Exception {
        String node = findNode();
        assumeTrue(node != null, () -> {
            String reason = "node is not on PATH: the Node receiver check did not run";
            System.out.println("SKIPPED NodeReceiverTest: " + reason);
            return reason;
        });
        Path script = Files.writeString(dir.resolve("receiver.js"), RECEIVER);
        ProcessBuilder builder = new ProcessBuilder(node, script.toString());
        builder.environment().put("WEBHOOK_SECRET", "whsec_c2VjcmV0LWZvci1ub2Rl");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(first).as("the receiver's first line").startsWith("PORT ");
            int port = Integer.parseInt(first.substring("PORT ".length()).trim());
            byte[] body = "{\"event\":\"payment.session\",\"status\":\"paid\",\"amount\":\"79.00\"}".getBytes(StandardCharsets.UTF_8);
            String signature = WebhookSigner.xSignature(body, "whsec_c2VjcmV0LWZvci1ub2Rl");

            HttpResponse<String> accepted = post(port, body, signature);
            assertThat(accepted.statusCode()).isEqualTo(200);
            assertThat(accepted.body()).isEqualTo("ok paid");

            byte[] tampered = "{\"event\":\"payment.session\",\"status\":\"paid\",\"amount\":\"7.90\"}".getBytes(StandardCharsets.UTF_8);
            assertThat(post(port, tampered, signature).statusCode()).isEqualTo(401);
        } finally {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> post(int port, byte[] body, String signature) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String findNode() {
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dirName, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
