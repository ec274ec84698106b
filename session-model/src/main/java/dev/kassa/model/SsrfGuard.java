package dev.kassa.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses webhook URLs that would make Kassa reach into its own network: loopback, private, link-local (cloud
 * metadata included), CGNAT, documentation, benchmarking, multicast, reserved and unspecified addresses, in IPv4,
 * IPv6 and IPv4-mapped IPv6. Checked on every address the host name resolves to, at connect time: the
 * relay's HTTP client resolves host names only through this guard ({@code CheckedDnsResolver}) and connects to exactly
 * the addresses {@link #resolve} checked, so a DNS answer that changes between check and connect (rebinding) cannot
 * slip through.
 * Development mode allows loopback, and only loopback, explicitly.
 */
public final class SsrfGuard {

    /** Host name to addresses; the system resolver in production, a fixed table in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The outcome of resolving a host for a call: the addresses that may be connected to, or why none may. */
    public record Resolution(List<InetAddress> addresses, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /** A range, as the bytes of its base address and a prefix length. */
    private record Range(byte[] base, int prefix, String name) {
        boolean contains(byte[] address) {
            if (address.length != base.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != base[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (base[full] & mask);
        }
    }

    private static final List<Range> LOOPBACK = List.of(range("127.0.0.0", 8, "loopback"), range("::1", 128, "loopback"));

    private static final List<Range> BLOCKED = List.of(
            range("0.0.0.0", 8, "unspecified"),
            range("10.0.0.0", 8, "private"),
            range("100.64.0.0", 10, "carrier-grade NAT"),
            range("169.254.0.0", 16, "link-local (cloud metadata)"),
            range("172.16.0.0", 12, "private"),
            range("192.0.0.0", 24, "IETF protocol assignments"),
            range("192.0.2.0", 24, "documentation"),
            range("192.88.99.0", 24, "6to4 relay anycast"),
            range("192.168.0.0", 16, "private"),
            range("198.18.0.0", 15, "benchmarking"),
            range("198.51.100.0", 24, "documentation"),
            range("203.0.113.0", 24, "documentation"),
            range("224.0.0.0", 4, "multicast"),
            range("240.0.0.0", 4, "reserved"),
            range("::", 128, "unspecified"),
            // IPv4-compatible IPv6 (deprecated): ::a.b.c.d reaches a.b.c.d on some stacks.
            range("::", 96, "IPv4-compatible IPv6"),
            range("64:ff9b::", 96, "NAT64"),
            range("64:ff9b:1::", 48, "local-use NAT64"),
            // 6to4 embeds an IPv4 address (2002:0a00:0001:: is 10.0.0.1 behind a relay): never a merchant's endpoint.
            range("2002::", 16, "6to4"),
            range("fec0::", 10, "site-local (deprecated)"),
            range("100::", 64, "discard-only"),
            range("2001:db8::", 32, "documentation"),
            range("fc00::", 7, "unique local (private)"),
            range("fe80::", 10, "link-local"),
            range("ff00::", 8, "multicast"));

    private final boolean allowLoopback;
    private final Resolver resolver;

    /** @param allowLoopback true in development mode only: a merchant's test receiver on this machine */
    public SsrfGuard(boolean allowLoopback) {
        this(allowLoopback, InetAddress::getAllByName);
    }

    public SsrfGuard(boolean allowLoopback, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.resolver = resolver;
    }

    /**
     * Resolves {@code host} once and checks every address: refused when any address is refused (a host that mixes a
     * public and a private address is not called at all), else the addresses to connect to, in resolver order.
     */
    public Resolution resolve(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return new Resolution(List.of(), "host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return new Resolution(List.of(), "host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = refusal(address);
            if (refusal.isPresent()) {
                return new Resolution(List.of(), host + " resolves to " + address.getHostAddress() + ", " + refusal.get());
            }
        }
        return new Resolution(List.of(addresses), null);
    }

    /** Why this URL must not be called, or empty when it may: scheme, then every resolved address. */
    public Optional<String> refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs are called, not '" + scheme + "'");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return Optional.of("the URL has no host");
        }
        return Optional.ofNullable(resolve(url.getHost()).refusal());
    }

    /** Why this address must not be called, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16); // ::ffff:a.b.c.d is a.b.c.d
        }
        for (Range range : LOOPBACK) {
            if (range.contains(bytes)) {
                return allowLoopback ? Optional.empty() : Optional.of("a loopback address (allowed in development mode only)");
            }
        }
        for (Range range : BLOCKED) {
            if (range.contains(bytes)) {
                return Optional.of("a " + range.name() + " address");
            }
        }
        return Optional.empty();
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xFF) == 0xFF && (bytes[11] & 0xFF) == 0xFF;
    }

    private static Range range(String base, int prefix, String name) {
        try {
            // Literal addresses only: no lookup happens for these.
            return new Range(InetAddress.getByName(base).getAddress(), prefix, name);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(base, e);
        }
    }
}
