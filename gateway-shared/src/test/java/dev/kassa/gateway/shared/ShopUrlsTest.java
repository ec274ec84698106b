package dev.kassa.gateway.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShopUrlsTest {

    private static final List<String> DOMAINS = List.of("yourshop.com", "shop.example");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", textBlock = """
            https://yourshop.com/thanks,                  https://yourshop.com/thanks
            https://YourShop.com/thanks?order=1,          https://YourShop.com/thanks?order=1
            https://checkout.yourshop.com/back,           https://checkout.yourshop.com/back
            https://www.shop.example/back,                https://www.shop.example/back
            https://yourshop.com./back,                   https://yourshop.com./back
            https://yourshop.com:8443/back,               https://yourshop.com:8443/back
            http://yourshop.com/thanks,                   NONE
            https://evil.example/yourshop.com,            NONE
            https://yourshop.com.evil.example/,           NONE
            https://notyourshop.com/,                     NONE
            https://yourshop.com@evil.example/,           NONE
            https://evil.example\\@yourshop.com/,         NONE
            javascript:alert(1)//yourshop.com,            NONE
            //yourshop.com/back,                          NONE
            https://,                                     NONE
            'https://yourshop.com/a b',                   NONE
            NONE,                                         NONE
            """)
    void only_https_on_the_merchants_domains_or_below_is_kept(String url, String kept) {
        assertThat(ShopUrls.onDomains(url, DOMAINS)).isEqualTo(kept);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "NONE", textBlock = """
            https://yourshop.com/back,              https://yourshop.com/back?session_id=42
            https://yourshop.com/back?order=7,      https://yourshop.com/back?order=7&session_id=42
            https://yourshop.com/back?,             https://yourshop.com/back?session_id=42
            https://yourshop.com/back#done,         https://yourshop.com/back?session_id=42#done
            https://yourshop.com/back?a=1#x?y,      https://yourshop.com/back?a=1&session_id=42#x?y
            NONE,                                   NONE
            """)
    void the_session_id_is_added_to_the_query_before_any_fragment(String url, String expected) {
        assertThat(ShopUrls.withSessionId(url, 42)).isEqualTo(expected);
    }
}
