package dev.kassa.gateway.shared;

import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.slf4j.LoggerFactory;

/**
 * The keys the gateways of one deployment share, each derived with HKDF-SHA256 (RFC 5869, Bouncy Castle's generator)
 * from one random secret of their own, {@code kassa.gateway.shared-secret} ({@code KASSA_GATEWAY_SECRET}) — never from
 * the operator's token. One derivation per use, so knowing one key says nothing about another:
 * <ul>
 *   <li>{@link #dashboardSessions()}: the MAC key of dashboard cookies, CSRF tokens and device cookies (a merchant user
 *       holding a cookie can no longer test guesses of the operator token offline, and a new operator token signs no
 *       one out);</li>
 *   <li>{@link #peerToken()}: the bearer token gateways send each other on forwarded view reads (the operator token no
 *       longer travels between them, and a peer token opens the views only, nothing of the operator API);</li>
 *   <li>{@link #blindIndex()}: the key of the e-mail lookup index of the session views (a new secret means the views
 *       must be rebuilt for lookups by e-mail to find older sessions).</li>
 * </ul>
 * No secret configured (in-process tests, {@code kassa gateway --development}): the keys are derived from the operator's
 * token instead, with a warning in the log, so that the instances of a test still read each other's views; {@code kassa
 * gateway} refuses to start that way outside development, {@code kassa dev} keeps a random secret in its data directory,
 * and compose makes one ({@code var/kafka/gateway.secret}).
 */
@Singleton
public final class GatewayKeys {

    private final byte[] dashboardSessions;
    private final String peerToken;
    private final BlindIndex blindIndex;

    public GatewayKeys(GatewaySettings settings) {
        byte[] secret;
        if (settings.sharedSecret() == null || settings.sharedSecret().isEmpty()) {
            LoggerFactory.getLogger(GatewayKeys.class).warn("no kassa.gateway.shared-secret: the dashboard's cookie key and "
                    + "the peer token are derived from the operator token (for development and tests only; docs/SECURITY.md)");
            secret = ("operator token\n" + settings.adminToken()).getBytes(StandardCharsets.UTF_8);
        } else {
            secret = settings.sharedSecret().getBytes(StandardCharsets.UTF_8);
        }
        this.dashboardSessions = derive(secret, "kassa dashboard sessions v1");
        this.peerToken = "kassa-peer-" + HexFormat.of().formatHex(derive(secret, "kassa gateway peers v1"));
        this.blindIndex = new BlindIndex(derive(secret, "kassa blind index v1"));
    }

    /** The e-mail lookup index's HMAC. */
    public BlindIndex blindIndex() {
        return blindIndex;
    }

    /** 32 bytes for HMAC-SHA256 over dashboard cookies and form tokens. */
    public byte[] dashboardSessions() {
        return dashboardSessions.clone();
    }

    /** The bearer token of forwarded view reads between gateways. */
    public String peerToken() {
        return peerToken;
    }

    static byte[] derive(byte[] secret, String info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, "kassa".getBytes(StandardCharsets.UTF_8), info.getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }
}
