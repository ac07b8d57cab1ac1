package io.trinospot.fis.local;

import io.trinospot.fis.plan.InstanceState;
import io.trinospot.fis.plan.Lifecycle;
import io.trinospot.fis.plan.LocalFleet;
import io.trinospot.fis.plan.LocalInstance;
import io.trinospot.harness.SpotFleet;
import io.trinospot.harness.TrinoCluster;
import io.trinospot.harness.TrinoNode;
import io.trinospot.harness.WorkerSpec;
import io.trinospot.harness.imds.SpotAction;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * A harness cluster seen as EC2 instances, for playing FIS plans on it: every Trino node is an instance named like
 * the node, tagged {@code Name=<cluster name>} and with EMR's instance-group role; workers labelled
 * {@code lifecycle=spot} are Spot instances. Notices go to the worker's IMDS emulator in the {@link SpotFleet};
 * interruptions, stops and terminations act on the node's process.
 */
public final class HarnessFleet
        implements LocalFleet
{
    public static final String NAME_TAG = "Name";
    /** The tag EMR puts on its instances: MASTER, CORE or TASK. */
    public static final String ROLE_TAG = "aws:elasticmapreduce:instance-group-role";
    private static final Logger LOG = Logger.getLogger(HarnessFleet.class.getName());
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(5);

    private final TrinoCluster cluster;
    private final SpotFleet spotFleet;
    private final String clusterName;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private final Set<String> terminated = ConcurrentHashMap.newKeySet();
    private final BiConsumer<String, String> listener;

    /** @param listener told (instance, what happened) after every action, for the run's log */
    public HarnessFleet(TrinoCluster cluster, SpotFleet spotFleet, String clusterName, BiConsumer<String, String> listener)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.spotFleet = requireNonNull(spotFleet, "spotFleet is null");
        this.clusterName = requireNonNull(clusterName, "clusterName is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    @Override
    public List<LocalInstance> instances()
    {
        List<LocalInstance> instances = new ArrayList<>();
        for (TrinoNode node : cluster.nodes()) {
            instances.add(new LocalInstance(node.name(), tags(node), lifecycle(node), state(node)));
        }
        return instances;
    }

    public Map<String, String> tags(TrinoNode node)
    {
        Map<String, String> tags = new LinkedHashMap<>();
        node.labels().forEach((key, value) -> {
            if (!key.equals(WorkerSpec.LIFECYCLE)) {
                tags.put(key, value);
            }
        });
        tags.putIfAbsent(NAME_TAG, clusterName);
        tags.putIfAbsent(ROLE_TAG, node.isCoordinator() ? "MASTER" : lifecycle(node) == Lifecycle.SPOT ? "TASK" : "CORE");
        return tags;
    }

    public static Lifecycle lifecycle(TrinoNode node)
    {
        return "spot".equals(node.labels().get(WorkerSpec.LIFECYCLE)) ? Lifecycle.SPOT : Lifecycle.ON_DEMAND;
    }

    /** EC2's view: a node whose process ended without a stop or termination of ours was shut down by itself. */
    private InstanceState state(TrinoNode node)
    {
        if (terminated.contains(node.name())) {
            return InstanceState.TERMINATED;
        }
        if (stopped.contains(node.name()) || !node.isAlive()) {
            return InstanceState.STOPPED;
        }
        return InstanceState.RUNNING;
    }

    @Override
    public void postRebalanceRecommendation(String instance, Instant noticeTime)
            throws IOException
    {
        if (!spotFleet.watchedWorkers().contains(instance)) {
            // no agent listens there; EC2 would post it all the same, so this is not an error
            listener.accept(instance, "rebalance recommendation (no spot-watcher on this node)");
            return;
        }
        spotFleet.imds(instance).postRebalanceRecommendation(noticeTime);
        listener.accept(instance, "rebalance recommendation posted to its IMDS");
    }

    @Override
    public void postSpotNotice(String instance, Instant interruptionTime)
            throws IOException
    {
        if (!spotFleet.watchedWorkers().contains(instance)) {
            throw new IOException("Spot notice for " + instance + ": no IMDS emulator for it (only " + spotFleet.watchedWorkers() + " have one)");
        }
        spotFleet.imds(instance).postSpotNotice(SpotAction.TERMINATE, interruptionTime);
        listener.accept(instance, "Spot notice posted to its IMDS: terminate at " + interruptionTime);
    }

    @Override
    public void interrupt(String instance)
    {
        TrinoNode node = cluster.node(instance);
        boolean wasAlive = node.isAlive();
        cluster.kill(instance);
        terminated.add(instance);
        listener.accept(instance, wasAlive ? "reclaimed: SIGKILLed" : "reclaimed (its worker had already shut itself down)");
    }

    @Override
    public void stop(String instance)
    {
        cluster.stop(instance);
        stopped.add(instance);
        listener.accept(instance, "stopped (SIGTERM)");
    }

    @Override
    public void start(String instance)
            throws IOException
    {
        if (terminated.contains(instance)) {
            throw new IOException("cannot start " + instance + ": it was terminated");
        }
        restartNode(instance, RESTART_TIMEOUT);
        stopped.remove(instance);
        listener.accept(instance, "started again");
    }

    @Override
    public void terminate(String instance)
    {
        cluster.kill(instance);
        terminated.add(instance);
        listener.accept(instance, "terminated (SIGKILL)");
    }

    @Override
    public void reboot(String instance)
    {
        cluster.stop(instance);
        restartNode(instance, RESTART_TIMEOUT);
        listener.accept(instance, "rebooted");
    }

    private void restartNode(String instance, Duration timeout)
    {
        if (spotFleet.watchedWorkers().contains(instance)) {
            // a fresh instance: new agent, emulator without notices
            spotFleet.replaceWorker(instance, timeout);
        }
        else {
            cluster.restart(instance);
        }
    }

    /**
     * Brings every instance back to running (like EMR replacing reclaimed capacity), so the next experiment starts
     * from the full fleet. Returns the instances it replaced.
     */
    public List<String> replenish(Duration timeout)
    {
        List<String> replaced = cluster.workers().stream().filter(node -> !node.isAlive()).map(TrinoNode::name).toList();
        List<String> watched = replaced.stream().filter(spotFleet.watchedWorkers()::contains).toList();
        // all at once: a worker's start is mostly waiting, so several overlap
        replaced.stream().filter(name -> !watched.contains(name)).forEach(cluster::restart);
        if (!watched.isEmpty()) {
            spotFleet.replaceWorkers(watched, timeout);
        }
        stopped.clear();
        terminated.clear();
        cluster.awaitActiveWorkers(cluster.workers().size(), timeout);
        if (!replaced.isEmpty()) {
            LOG.info("Replenished " + replaced);
        }
        return replaced;
    }
}
