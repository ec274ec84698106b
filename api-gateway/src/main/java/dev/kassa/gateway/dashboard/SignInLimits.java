package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.shared.RateLimiter;
import jakarta.inject.Singleton;

/**
 * How many password and code tries the dashboard takes, and from whom (docs/SECURITY.md, "Sign-in"). Every limit is a
 * token bucket (a try costs a token, tokens come back at the rate): past the burst a client waits the bucket's
 * Retry-After — a back-off, not a lock. The buckets:
 * <ul>
 *   <li>per client (an IPv4 address, an IPv6 /64): 20 a minute, whatever the e-mail;</li>
 *   <li>per e-mail and client: 5 a minute;</li>
 *   <li>per e-mail from browsers that never signed in as it: 10 a minute. A guessing crowd spread over many addresses
 *       drains only this one; the user's own browser holds a device cookie from an earlier sign-in and is counted in
 *       its own bucket instead (5 a minute per device), so strangers cannot lock the user out;</li>
 *   <li>per signed-in user, for the passwords and codes asked again (re-authentication, the code of a new two-step key):
 *       5 a minute, in bursts of 8 (a merchant setting up an account confirms several things in a row).</li>
 * </ul>
 * The keys are bounded before they get here (an e-mail of at most 254 characters, an address of at most 45), and each
 * limiter keeps at most {@link RateLimiter#MAX_KEYS} buckets.
 */
@Singleton
final class SignInLimits {

    static final int MAX_EMAIL = 254;

    private final RateLimiter perClient = new RateLimiter(20.0 / 60, 20);
    private final RateLimiter perEmailAndClient = new RateLimiter(5.0 / 60, 5);
    private final RateLimiter perEmailFromUnknownDevices = new RateLimiter(10.0 / 60, 10);
    private final RateLimiter perDevice = new RateLimiter(5.0 / 60, 5);
    private final RateLimiter perUser = new RateLimiter(5.0 / 60, 8);

    /**
     * 0 when a sign-in try for {@code email} from {@code client} may go on, else the seconds to wait; {@code device} is
     * the device id of a valid device cookie for this e-mail, or null.
     */
    long signIn(String email, String client, String device) {
        long now = System.nanoTime();
        long wait = perClient.acquire(client, now);
        if (wait == 0) {
            wait = perEmailAndClient.acquire(email + "\n" + client, now);
        }
        if (wait == 0) {
            wait = device == null ? perEmailFromUnknownDevices.acquire(email, now) : perDevice.acquire(device, now);
        }
        return wait;
    }

    /** 0 when a signed-in user may try a password or code again now, else the seconds to wait. */
    long confirm(String email) {
        return perUser.acquire(email, System.nanoTime());
    }
}
