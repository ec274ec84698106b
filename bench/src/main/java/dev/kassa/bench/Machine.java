package dev.kassa.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a benchmark ran on, recorded beside its figures so that runs on different machines are not compared blindly. */
public record Machine(int cores, long maxHeapMb, String java, String os) {

    /** This JVM's machine. */
    public static Machine current() {
        Runtime runtime = Runtime.getRuntime();
        return new Machine(runtime.availableProcessors(), runtime.maxMemory() / (1024 * 1024),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cores", cores);
        map.put("max_heap_mb", maxHeapMb);
        map.put("java", java);
        map.put("os", os);
        return map;
    }
}
