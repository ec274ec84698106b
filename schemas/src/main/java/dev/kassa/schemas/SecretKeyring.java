package dev.kassa.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of the webhook signing secrets on {@code kassa.merchants}: each secret is encrypted with its own
 * random data key (AES-256-GCM, bound to its merchant), and the data key is wrapped with the operator's key-encryption
 * key (AES-256-GCM, bound to the key's id). The record holds
 * {@code kassa-sealed:v2:<key id>:<wrapped data key>:<ciphertext>}, the ciphertext bound to its merchant, kind and owner
 * ({@link Binding}; v1 values, bound to their merchant only, are still read); whoever reads the topic without the keyring sees no
 * secret. Rotation rewraps the data keys only ({@link #reseal}); the ciphertexts never change.
 *
 * <p>The keyring file is the operator's: one key per line, {@code <id>=<base64 of 32 random bytes>}, {@code #} comments;
 * the first key seals, every key opens. JCA's AES-GCM (in the JDK) does the cryptography: no extra dependency, and
 * nothing here is more than the two calls of envelope encryption.
 */
public final class SecretKeyring {

    /** What a sealed value starts with; a value without it was written before sealing (or without a keyring). */
    /** What every sealed value starts with (then its version). */
    public static final String SEALED = "kassa-sealed:";
    /** Sealed values bound to their merchant only (written before v2; still opened, resealed into v2). */
    public static final String PREFIX_V1 = "kassa-sealed:v1:";
    /** Sealed values bound to their merchant, their kind and their owner ({@link Binding}). */
    public static final String PREFIX = "kassa-sealed:v2:";

    /**
     * What a sealed secret belongs to, in the additional data of its encryption: its merchant, its kind and its owner. A
     * sealed value copied to another merchant, another kind of field or another endpoint or user does not open.
     */
    public record Binding(long merchantId, String kind, String owner) {
        /** A webhook endpoint's signing secret, current or previous (the first endpoint's key is the merchant id). */
        public static Binding endpoint(long merchantId, long endpointKey) {
            return new Binding(merchantId, "endpoint", Long.toString(endpointKey));
        }

        /** A dashboard user's two-step key. */
        public static Binding twoStep(long merchantId, String email) {
            return new Binding(merchantId, "two-step", email);
        }

        byte[] aad() {
            return ("kassa.merchants/" + merchantId + "/" + kind + "/" + owner).getBytes(StandardCharsets.UTF_8);
        }
    }
    /** No keyring: secrets are written and read in clear (tests, and a gateway an operator runs without one). */
    public static final SecretKeyring NONE = new SecretKeyring(new LinkedHashMap<>());

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed value this keyring cannot open: its key is not in the keyring, or the value was altered. */
    public static final class UnreadableSecret extends RuntimeException {
        public UnreadableSecret(String message) {
            super(message);
        }
    }

    private final LinkedHashMap<String, SecretKey> keys;

    private SecretKeyring(LinkedHashMap<String, SecretKey> keys) {
        this.keys = keys;
    }

    /** Reads a keyring file; refuses one that is empty or malformed, saying which line to change. */
    public static SecretKeyring load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("the keyring " + file + " cannot be read (" + e.getMessage() + ").", e);
        }
    }

    public static SecretKeyring parse(String text, String source) {
        LinkedHashMap<String, SecretKey> keys = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String where = source + " line " + (i + 1);
            if (eq < 0) {
                throw new IllegalArgumentException(where + " is not <key id>=<base64 key>; make it one (kassa dev writes an example).");
            }
            String id = line.substring(0, eq).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + ": a key id is 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(line.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": the key is not base64; make one with `openssl rand -base64 32`.");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException(where + ": the key is " + key.length + " bytes; it must be 32 (`openssl rand -base64 32`).");
            }
            if (keys.putIfAbsent(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException(where + ": key id " + id + " appears twice; give each key its own id.");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no key; add a line <key id>=<base64 of 32 random bytes>.");
        }
        return new SecretKeyring(keys);
    }

    /** A new keyring line with a fresh random key. */
    public static String newKeyLine(String id) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return id + "=" + Base64.getEncoder().encodeToString(key);
    }

    /** Whether this keyring seals (it holds a key). */
    public boolean seals() {
        return !keys.isEmpty();
    }

    /** The id of the key that seals. */
    public String primaryKeyId() {
        return keys.isEmpty() ? null : keys.keySet().iterator().next();
    }

    /** {@code secret} sealed for what it belongs to (in clear when this keyring has no key; null stays null). */
    public String seal(Binding binding, String secret) {
        if (secret == null || keys.isEmpty() || secret.startsWith(SEALED)) {
            return secret;
        }
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] ciphertext = gcm(dataKey, null, secret.getBytes(StandardCharsets.UTF_8), binding.aad());
        return wrapped(PREFIX, primaryKeyId(), dataKey, ciphertext);
    }

    /** A value in the v1 format (bound to its merchant only), as gateways before v2 wrote them: for tests of reading them. */
    String sealV1(long merchantId, String secret) {
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        return wrapped(PREFIX_V1, primaryKeyId(), dataKey, gcm(dataKey, null, secret.getBytes(StandardCharsets.UTF_8), merchantAad(merchantId)));
    }

    /** The secret in clear; a value written before sealing is returned as it is, a v1 value is opened by its merchant. */
    public String open(Binding binding, String stored) {
        if (stored == null || !stored.startsWith(SEALED)) {
            return stored;
        }
        Sealed sealed = Sealed.parse(stored);
        byte[] dataKey = unwrap(sealed);
        byte[] aad = sealed.version() == 1 ? merchantAad(binding.merchantId()) : binding.aad();
        byte[] clear = gcmOrUnreadable(dataKey, sealed.ciphertext(), aad, "the " + binding.kind() + " secret of merchant "
                + binding.merchantId() + " does not open (altered, or sealed for another merchant, field or owner)");
        return new String(clear, StandardCharsets.UTF_8);
    }

    /** Whether {@code stored} needs no reseal: sealed (v2) with this keyring's first key, or nothing to seal. */
    public boolean sealedWithPrimary(String stored) {
        return stored == null || keys.isEmpty()
                || (stored.startsWith(PREFIX) && Sealed.parse(stored).keyId().equals(primaryKeyId()));
    }

    /**
     * {@code stored} sealed (v2) with the first key: a v2 value gets its data key rewrapped (the ciphertext is kept), a
     * v1 value is opened and sealed again bound to {@code binding}, a clear one is sealed.
     */
    public String reseal(Binding binding, String stored) {
        if (stored == null || keys.isEmpty()) {
            return stored;
        }
        if (!stored.startsWith(SEALED)) {
            return seal(binding, stored);
        }
        Sealed sealed = Sealed.parse(stored);
        if (sealed.version() == 1) {
            return seal(binding, open(binding, stored));
        }
        if (sealed.keyId().equals(primaryKeyId())) {
            return stored;
        }
        return wrapped(PREFIX, primaryKeyId(), unwrap(sealed), sealed.ciphertext());
    }

    private String wrapped(String prefix, String keyId, byte[] dataKey, byte[] ciphertext) {
        byte[] wrappedKey = gcm(null, keys.get(keyId), dataKey, keyAad(keyId));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return prefix + keyId + ":" + b64.encodeToString(wrappedKey) + ":" + b64.encodeToString(ciphertext);
    }

    private byte[] unwrap(Sealed sealed) {
        SecretKey kek = keys.get(sealed.keyId());
        if (kek == null) {
            throw new UnreadableSecret("sealed with key '" + sealed.keyId() + "', which is not in this keyring " + keys.keySet()
                    + "; add that key to the keyring file");
        }
        try {
            return decrypt(new SecretKeySpec(kek.getEncoded(), "AES"), sealed.wrappedKey(), keyAad(sealed.keyId()));
        } catch (GeneralSecurityException e) {
            throw new UnreadableSecret("the data key sealed with key '" + sealed.keyId() + "' does not open (altered, or another key of that id)");
        }
    }

    private record Sealed(int version, String keyId, byte[] wrappedKey, byte[] ciphertext) {
        static Sealed parse(String stored) {
            int version;
            if (stored.startsWith(PREFIX)) {
                version = 2;
            } else if (stored.startsWith(PREFIX_V1)) {
                version = 1;
            } else {
                throw new UnreadableSecret("a sealed secret starts with " + PREFIX + " (or " + PREFIX_V1 + "); this one does not");
            }
            String[] parts = stored.substring(PREFIX.length()).split(":", -1);
            if (parts.length != 3) {
                throw new UnreadableSecret("a sealed secret has three parts after its version; this one has " + parts.length);
            }
            try {
                Base64.Decoder b64 = Base64.getUrlDecoder();
                return new Sealed(version, parts[0], b64.decode(parts[1]), b64.decode(parts[2]));
            } catch (IllegalArgumentException e) {
                throw new UnreadableSecret("a sealed secret's parts are not base64");
            }
        }
    }

    private static byte[] merchantAad(long merchantId) {
        return ("kassa.merchants/" + merchantId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] keyAad(String keyId) {
        return ("kassa-keyring/" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts with a fresh nonce (prefixed to the result); {@code rawKey} or {@code key} names the key. */
    private static byte[] gcm(byte[] rawKey, SecretKey key, byte[] input, byte[] aad) {
        try {
            SecretKey k = key != null ? key : new SecretKeySpec(rawKey, "AES");
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] out = cipher.doFinal(input);
            return ByteBuffer.allocate(NONCE + out.length).put(nonce).put(out).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage(), e);
        }
    }

    private static byte[] gcmOrUnreadable(byte[] rawKey, byte[] input, byte[] aad, String why) {
        try {
            return decrypt(new SecretKeySpec(rawKey, "AES"), input, aad);
        } catch (GeneralSecurityException e) {
            throw new UnreadableSecret(why);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] nonceAndCiphertext, byte[] aad) throws GeneralSecurityException {
        if (nonceAndCiphertext.length < NONCE + TAG_BITS / 8) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonceAndCiphertext, 0, NONCE));
        cipher.updateAAD(aad);
        return cipher.doFinal(nonceAndCiphertext, NONCE, nonceAndCiphertext.length - NONCE);
    }

    /** The key ids, first (sealing) key first; never the keys. */
    public List<String> keyIds() {
        return new ArrayList<>(keys.keySet());
    }

    @Override
    public String toString() {
        return "SecretKeyring" + keys.keySet();
    }
}
