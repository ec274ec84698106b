package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.shared.GatewayKeys;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.schemas.avro.MerchantUser;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed dashboard sessions: the cookie carries who signed in, for which merchant, when, until when, and a random
 * nonce, with an HMAC-SHA256 over it. Any gateway instance can check it (no shared session store: Kafka stays the only
 * stateful part); the key is derived (HKDF) from the gateways' shared secret, never from the operator's token
 * ({@link dev.kassa.gateway.shared.GatewayKeys}). A session ends after 8 hours, at sign-out (the cookie is cleared), or when the user's
 * {@code sessions_valid_after} passes its start (a new password). The CSRF token of a form is an HMAC of the session's
 * nonce: a page of this session can post, a page elsewhere cannot know it.
 */
@Singleton
final class DashboardSessions {

    static final String COOKIE = "kassa_dashboard";
    static final String LOGIN_CSRF_COOKIE = "kassa_login_csrf";
    static final Duration LIFETIME = Duration.ofHours(8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final boolean secureCookies;

    DashboardSessions(GatewaySettings settings, GatewayKeys keys) {
        this.key = keys.dashboardSessions();
        String url = settings.publicUrl() == null ? "" : settings.publicUrl();
        // Secure everywhere but plain http on localhost (kassa dev), where a Secure cookie would never be sent back.
        this.secureCookies = !(url.startsWith("http://localhost") || url.startsWith("http://127.0.0.1"));
    }

    /** Who is signed in. */
    record Principal(String email, long merchantId, Instant issuedAt, String nonce) {
    }

    /** A new session's cookie value. */
    String issue(MerchantUser user, Instant now) {
        String payload = String.join("|", B64.encodeToString(user.getEmail().getBytes(StandardCharsets.UTF_8)),
                Long.toString(user.getMerchantId()), Long.toString(now.toEpochMilli()), Long.toString(now.plus(LIFETIME).toEpochMilli()), Secrets.randomToken());
        return sign(payload);
    }

    /** The principal of a cookie value, if it is ours, unexpired, and its user still accepts it. */
    Optional<Principal> verify(String cookie, Instant now, Function<String, MerchantUser> users) {
        if (cookie == null || cookie.length() > 1024) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(cookie.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] given = Base64.getUrlDecoder().decode(cookie.substring(dot + 1));
            if (!MessageDigest.isEqual(mac(payload), given)) {
                return Optional.empty();
            }
            String[] parts = payload.split("\\|");
            if (parts.length != 5) {
                return Optional.empty();
            }
            String email = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            long merchant = Long.parseLong(parts[1]);
            Instant issued = Instant.ofEpochMilli(Long.parseLong(parts[2]));
            Instant expires = Instant.ofEpochMilli(Long.parseLong(parts[3]));
            MerchantUser user = users.apply(email);
            if (!now.isBefore(expires) || user == null || user.getMerchantId() != merchant
                    || issued.isBefore(user.getSessionsValidAfter())) {
                return Optional.empty();
            }
            return Optional.of(new Principal(email, merchant, issued, parts[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Between the password and the code of a two-step sign-in: who passed the password, valid 5 minutes. */
    static final Duration TWO_STEP_WINDOW = Duration.ofMinutes(5);

    String passedPassword(MerchantUser user, Instant now) {
        String payload = "two-step|" + B64.encodeToString(user.getEmail().getBytes(StandardCharsets.UTF_8)) + "|"
                + now.plus(TWO_STEP_WINDOW).toEpochMilli() + "|" + user.getSessionsValidAfter().toEpochMilli();
        return sign(payload);
    }

    /** The e-mail of a {@link #passedPassword} token that is ours and unexpired, else null. */
    String passedPasswordOf(String token, Instant now) {
        String[] parts = signed(token, "two-step", 4);
        try {
            if (parts == null || !now.isBefore(Instant.ofEpochMilli(Long.parseLong(parts[2])))) {
                return null;
            }
            return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A device cookie's value (OWASP's "device cookies" against online guessing): given to a browser at a successful
     * sign-in, it lets that browser keep trying this e-mail when tries from unknown browsers are held back, so strangers'
     * wrong passwords cannot lock the user out.
     */
    String device(String email) {
        return sign("device|" + B64.encodeToString(email.getBytes(StandardCharsets.UTF_8)) + "|" + Secrets.randomToken());
    }

    /** Whether a {@link #device} cookie is one of ours (for any e-mail): its MAC only, microseconds. */
    boolean anyDevice(String cookie) {
        return signed(cookie, "device", 3) != null;
    }

    /** The device id (its nonce) of a {@link #device} cookie that is ours and was given for {@code email}, else null. */
    String deviceOf(String cookie, String email) {
        String[] parts = signed(cookie, "device", 3);
        try {
            return parts != null && email.equals(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)) ? parts[2] : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code payload} with its MAC: {@code base64(payload).base64(mac)}. */
    private String sign(String payload) {
        return B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(mac(payload));
    }

    /**
     * The {@code |}-separated parts of a {@link #sign}ed token whose MAC is ours, whose first part is {@code kind} and
     * which has {@code parts} parts; null for anything else (bounded in length before any work).
     */
    private String[] signed(String token, String kind, int parts) {
        if (token == null || token.length() > 512 || token.indexOf('.') < 0) {
            return null;
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
            byte[] given = Base64.getUrlDecoder().decode(token.substring(token.indexOf('.') + 1));
            String[] split = payload.split("\\|");
            return MessageDigest.isEqual(mac(payload), given) && split.length == parts && kind.equals(split[0]) ? split : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A proof that this session's server made {@code value} (a two-step key shown after a confirmation), for a hidden field. */
    String vouch(Principal principal, String purpose, String value) {
        return B64.encodeToString(mac("vouch|" + purpose + "|" + principal.nonce() + "|" + value));
    }

    boolean vouched(Principal principal, String purpose, String value, String proof) {
        return proof != null && value != null
                && MessageDigest.isEqual(vouch(principal, purpose, value).getBytes(StandardCharsets.UTF_8), proof.getBytes(StandardCharsets.UTF_8));
    }

    /** The CSRF token of this session's forms. */
    String csrf(Principal principal) {
        return B64.encodeToString(mac("csrf|" + principal.nonce()));
    }

    boolean csrfMatches(Principal principal, String token) {
        return token != null && MessageDigest.isEqual(csrf(principal).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** A Set-Cookie value: HttpOnly, SameSite=Lax (links from e-mail still open the dashboard), Secure outside localhost. */
    /**
     * Whether a sign-in form (sent before anyone is signed in) carries the token of its double-submit cookie: the
     * cookie is set with the form, SameSite=Strict, so another site's page cannot send both.
     */
    boolean loginCsrfMatches(HttpRequest<?> request, String field) {
        String cookie = request.getCookies().findCookie(LOGIN_CSRF_COOKIE).map(Cookie::getValue).orElse(null);
        return cookie != null && field != null && cookie.length() >= 16
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8));
    }

    /** The double-submit cookie of a sign-in form carrying {@code csrf}. */
    String loginCsrfCookie(String csrf) {
        return cookie(LOGIN_CSRF_COOKIE, csrf, Duration.ofHours(1), "Strict");
    }

    String cookie(String name, String value, Duration maxAge, String sameSite) {
        return cookie(name, value, "/dashboard", maxAge, sameSite);
    }

    String cookie(String name, String value, String path, Duration maxAge, String sameSite) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=" + sameSite
                + (secureCookies ? "; Secure" : "");
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
