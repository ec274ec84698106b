package dev.kassa.relay.delivery;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.kassa.model.SsrfGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The webhook client's only way to turn a host name into addresses, so the SSRF rule holds where the connection is
 * made: every address is checked by the {@link SsrfGuard} and the client connects to nothing else. A host that
 * resolves to a refused address does not resolve at all, for the client ({@link UnknownHostException} "refused: …").
 *
 * <p>Checked answers are kept for {@link #TTL} (at most {@link #MAX_HOSTS} hosts, Guava's cache): the dispatcher
 * resolves on its own threads before it hands an attempt to the client, and the client's I/O threads then find the
 * answer here instead of waiting on a merchant's DNS. Keeping a checked answer cannot let a rebinding DNS server in:
 * only checked addresses are kept, and those are the ones connected to.
 */
final class CheckedDnsResolver implements DnsResolver {

    static final Duration TTL = Duration.ofSeconds(30);
    static final int MAX_HOSTS = 10_000;

    private final SsrfGuard guard;
    private final Cache<String, SsrfGuard.Resolution> checked = CacheBuilder.newBuilder()
            .expireAfterWrite(TTL).maximumSize(MAX_HOSTS).build();

    CheckedDnsResolver(SsrfGuard guard) {
        this.guard = guard;
    }

    /** The checked addresses of {@code host}, or why it may not be called; resolves at most once per {@link #TTL}. */
    SsrfGuard.Resolution check(String host) {
        String name = bare(host);
        SsrfGuard.Resolution known = checked.getIfPresent(name);
        if (known != null) {
            return known;
        }
        SsrfGuard.Resolution resolution = guard.resolve(name);
        checked.put(name, resolution);
        return resolution;
    }

    /** Whether {@code host} was checked within the last {@link #TTL}: its answer is at hand without DNS. */
    boolean isKnown(String host) {
        return checked.getIfPresent(bare(host)) != null;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        SsrfGuard.Resolution resolution = check(host);
        if (resolution.refused()) {
            throw new UnknownHostException("refused: " + resolution.refusal());
        }
        return resolution.addresses().toArray(new InetAddress[0]);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        // Never a reverse lookup: the name the merchant gave is the one TLS checks.
        return host;
    }

    private static String bare(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.toLowerCase(Locale.ROOT);
    }
}
