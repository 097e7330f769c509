package io.homeport.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The nodes of the cluster as Hazelcast sees them, each named by its {@code cluster.host:cluster.port}:
 * which are alive now, which one is this node, and which one brokers sessions (the oldest member: every
 * node agrees on it without a vote, and it changes only when that node leaves). Thread-safe.
 */
public final class ClusterMembers implements io.homeport.lifecycle.Lifecycle {
  /** The member attribute carrying the node's name (set by {@link HazelcastClusters#manager}). */
  static final String NODE_ATTRIBUTE = "homeport.node";

  /** Told when a node left (its name) or joined; on a Hazelcast thread. */
  public interface Listener {
    void changed(String joined, String left);
  }

  private final HazelcastInstance hazelcast;
  private final String self;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile Set<String> alive;
  private UUID registration;

  public ClusterMembers(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    this.self = nameOf(hazelcast.getCluster().getLocalMember());
    this.alive = names();
  }

  /** Starts hearing membership changes. */
  @Override
  public io.vertx.core.Future<Void> start() {
    registration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        alive = names();
        listeners.forEach(l -> l.changed(nameOf(event.getMember()), null));
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        alive = names();
        listeners.forEach(l -> l.changed(null, nameOf(event.getMember())));
      }
    });
    alive = names();
    return io.vertx.core.Future.succeededFuture();
  }

  @Override
  public io.vertx.core.Future<Void> stop() {
    if (registration != null) {
      hazelcast.getCluster().removeMembershipListener(registration);
    }
    return io.vertx.core.Future.succeededFuture();
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** This node's name. */
  public String self() {
    return self;
  }

  public boolean isAlive(String node) {
    return alive.contains(node);
  }

  /** The node that brokers sessions: the oldest member. */
  public String leader() {
    return nameOf(hazelcast.getCluster().getMembers().iterator().next());
  }

  public boolean isLeader() {
    return self.equals(leader());
  }

  private Set<String> names() {
    return hazelcast.getCluster().getMembers().stream().map(ClusterMembers::nameOf).collect(Collectors.toUnmodifiableSet());
  }

  private static String nameOf(Member member) {
    String name = member.getAttribute(NODE_ATTRIBUTE);
    return name != null ? name : member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }
}
