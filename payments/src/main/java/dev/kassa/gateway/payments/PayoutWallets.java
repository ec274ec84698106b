package dev.kassa.gateway.payments;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.PayoutWallet;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * Seed 003's payout wallet: {@code {"network": "polygon", "asset": "USDC", "address": "0x…"}}. The address is 20 bytes
 * of hex; a mixed-case one must carry its EIP-55 checksum (each letter upper case when the matching nibble of the
 * Keccak-256 of the lower-case hex is 8 or more), which catches a mistyped character before money is paid out to it.
 * All-lower or all-upper addresses carry no checksum and are taken as written. Keccak-256 is Bouncy Castle's (the
 * original Keccak padding Ethereum uses, not NIST SHA3-256). Kept in checksum form.
 */
public final class PayoutWallets {

    public static final Set<String> NETWORKS = Set.of("polygon");
    public static final Set<String> ASSETS = Set.of("USDC", "USDT");

    private PayoutWallets() {
    }

    /**
     * The wallet the merchant named, checked: a network and an asset Kassa pays out on (null: polygon, USDC) and an
     * address in EIP-55 form. Refused with {@code invalid_merchant_payout_wallet} saying what is wrong.
     */
    public static PayoutWallet of(String network, String asset, String address) {
        String n = (network == null ? "polygon" : network).toLowerCase(Locale.ROOT);
        String a = (asset == null ? "USDC" : asset).toUpperCase(Locale.ROOT);
        if (!NETWORKS.contains(n)) {
            throw invalid("'payout_wallet.network' must be polygon, not '" + shorten(n) + "'");
        }
        if (!ASSETS.contains(a)) {
            throw invalid("'payout_wallet.asset' must be USDC or USDT, not '" + shorten(a) + "'");
        }
        return new PayoutWallet(n, a, checksummed(address == null ? "" : address));
    }

    /** The address in EIP-55 form, or {@code invalid_merchant_payout_wallet} saying what is wrong. */
    public static String checksummed(String address) {
        String a = address == null ? "" : address.strip();
        if (a.length() > 64) {
            throw invalid("'payout_wallet.address' is 0x and 40 hex digits; this one has " + a.length() + " characters");
        }
        if (!a.startsWith("0x") && !a.startsWith("0X")) {
            throw invalid("'payout_wallet.address' must start with 0x");
        }
        String hex = a.substring(2);
        if (hex.length() != 40 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw invalid("'payout_wallet.address' must be 0x and 40 hex digits (20 bytes); it has " + hex.length() + " characters after 0x"
                    + (hex.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? "" : ", some not hex"));
        }
        String expected = eip55(hex);
        boolean mixed = !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
        if (mixed && !expected.equals("0x" + hex)) {
            throw invalid("'payout_wallet.address' fails its EIP-55 checksum (a character is mistyped?); check it, or send it all in lower case");
        }
        return expected;
    }

    /** EIP-55: {@code 0x} and the hex with each letter upper-cased where the Keccak-256 of the lower-case hex has a nibble ≥ 8. */
    static String eip55(String hex) {
        String lower = hex.toLowerCase(Locale.ROOT);
        byte[] hash = new Keccak.Digest256().digest(lower.getBytes(StandardCharsets.US_ASCII));
        String hashHex = HexFormat.of().formatHex(hash);
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            out.append(Character.isLetter(c) && Character.digit(hashHex.charAt(i), 16) >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    /** Whether the merchant's buyers may pay with crypto: crypto on, and a wallet to pay out to. */
    public static boolean cryptoReady(Merchant merchant) {
        return merchant.getCryptoEnabled() && merchant.getPayoutWallet() != null;
    }

    private static String shorten(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }

    static ApiError invalid(String message) {
        return new ApiError(ErrorCode.INVALID_MERCHANT_PAYOUT_WALLET, message);
    }
}
