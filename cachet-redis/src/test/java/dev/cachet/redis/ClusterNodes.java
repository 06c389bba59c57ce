package dev.cachet.redis;

import java.io.IOException;
import java.util.List;

/** A Redis Cluster's nodes as {@code CLUSTER NODES} lists them, read with redis-cli. */
final class ClusterNodes {
    private ClusterNodes() {
    }

    /** The masters that serve slots, as host:port. */
    static List<String> masters(int anyPort) throws IOException, InterruptedException {
        return nodes(anyPort).stream()
                .filter(line -> line.get(2).contains("master") && !line.get(2).contains("fail") && line.size() > 8)
                .map(line -> line.get(1).replaceAll("@.*", ""))
                .toList();
    }

    /** The ports of a master that serves slots and of a live replica of it. */
    static int[] masterWithReplica(int anyPort) throws IOException, InterruptedException {
        List<List<String>> nodes = nodes(anyPort);
        for (List<String> master : nodes) {
            if (!master.get(2).contains("master") || master.get(2).contains("fail") || master.size() <= 8) {
                continue;
            }
            for (List<String> replica : nodes) {
                if (replica.get(3).equals(master.getFirst()) && !replica.get(2).contains("fail")) {
                    return new int[] {port(master), port(replica)};
                }
            }
        }
        throw new IllegalStateException("no master with a live replica in " + nodes);
    }

    /** The port of the master that serves {@code slot}. */
    static int masterOf(int anyPort, int slot) throws IOException, InterruptedException {
        for (List<String> node : nodes(anyPort)) {
            if (!node.get(2).contains("master") || node.get(2).contains("fail")) {
                continue;
            }
            for (String range : node.subList(Math.min(8, node.size()), node.size())) {
                if (range.startsWith("[")) {
                    continue;
                }
                String[] ends = range.split("-");
                if (slot >= Integer.parseInt(ends[0]) && slot <= Integer.parseInt(ends[ends.length - 1])) {
                    return port(node);
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    private static int port(List<String> node) {
        return Integer.parseInt(node.get(1).replaceAll("@.*", "").replaceAll(".*:", ""));
    }

    private static List<List<String>> nodes(int anyPort) throws IOException, InterruptedException {
        return RedisServers.cli("-p", String.valueOf(anyPort), "cluster", "nodes").lines()
                .map(line -> List.of(line.trim().split(" +")))
                .toList();
    }
}
