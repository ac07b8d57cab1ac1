package io.trinospot.noderefresh;

import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The coordinator's node manager ({@code io.trino.node.CoordinatorNodeManager} in Trino 483), reached from a plugin.
 *
 * <p>Trino applies a worker's new state (SHUTTING_DOWN after a Spot notice) only when its node poller runs, every
 * 5 s, and that poll uses the answers of the previous one: the scheduler learns of the change 5 to 10 s late and
 * keeps placing tasks, including retries, on the doomed worker. {@code refreshNodes(true)} is the same step made
 * synchronous: it asks every worker for its state now, waits for the answers (or their failures) and rebuilds the
 * node list from them; {@link NodeStateRefresher} calls it every interval when the listener is set to ask workers.
 *
 * <p>A worker that announces its own shutdown needs less: {@link #askWorker} sends that one worker the request
 * Trino's poll would send ({@code RemoteNodeState.asyncRefresh(true)}), waits for its answer and rebuilds the node
 * list ({@code refreshNodesInternal}); no other worker is asked. {@link #applyAnswers} rebuilds the node list from
 * the answers Trino's own poll has received, asking no one.
 *
 * <p>Plugins see only the SPI, so the instance is taken from the MBean Trino exports for it: the platform MBean
 * server keeps it in JDK-internal classes, which needs {@link #REQUIRED_JVM_OPTIONS} in the coordinator's jvm.config.
 * Trino's own classes sit in the unnamed module, so their private members need no option.
 */
public final class CoordinatorNodeStates
{
    public static final List<String> REQUIRED_JVM_OPTIONS = List.of(
            "--add-opens=java.management/com.sun.jmx.mbeanserver=ALL-UNNAMED",
            "--add-opens=java.management/com.sun.jmx.interceptor=ALL-UNNAMED");

    static final String MBEAN_NAME_PATTERN = "*:name=CoordinatorNodeManager";

    private final Object nodeManager;
    private final Method refreshNodes;
    private final Method rebuildNodeList;
    private final Map<?, ?> workerStates;
    private final Method askForState;
    private final Method workerNode;
    private final Method nodeId;
    private final ObjectName objectName;

    private CoordinatorNodeStates(Object nodeManager, Method refreshNodes, Method rebuildNodeList, Map<?, ?> workerStates, Method askForState, Method workerNode,
            Method nodeId, ObjectName objectName)
    {
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
        this.refreshNodes = requireNonNull(refreshNodes, "refreshNodes is null");
        this.rebuildNodeList = requireNonNull(rebuildNodeList, "rebuildNodeList is null");
        this.workerStates = requireNonNull(workerStates, "workerStates is null");
        this.askForState = requireNonNull(askForState, "askForState is null");
        this.workerNode = requireNonNull(workerNode, "workerNode is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.objectName = requireNonNull(objectName, "objectName is null");
    }

    /**
     * The coordinator's node manager, or empty when this JVM has none (a worker).
     *
     * @throws IllegalStateException naming what is missing when the manager is there but cannot be reached
     */
    public static Optional<CoordinatorNodeStates> find(MBeanServer server)
    {
        Set<ObjectName> names;
        try {
            names = server.queryNames(new ObjectName(MBEAN_NAME_PATTERN), null);
        }
        catch (MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        if (names.size() > 1) {
            throw new IllegalStateException("More than one MBean matches " + MBEAN_NAME_PATTERN + ": " + names);
        }
        ObjectName name = names.iterator().next();
        Object registered = registeredObject(server, name);
        Object manager = exportedTarget(registered, name);
        Class<?> managerClass = manager.getClass();
        Method refreshNodes = member(managerClass, name, "refreshNodes(boolean)", () -> managerClass.getMethod("refreshNodes", boolean.class));
        Method rebuildNodeList = member(managerClass, name, "refreshNodesInternal()", () -> managerClass.getDeclaredMethod("refreshNodesInternal"));
        Field statesField = member(managerClass, name, "field nodeStates", () -> managerClass.getDeclaredField("nodeStates"));
        // the map's value type (RemoteNodeState) from the field's generic signature: the map may still be empty
        if (!Map.class.isAssignableFrom(statesField.getType())
                || !(statesField.getGenericType() instanceof ParameterizedType mapType)
                || !(mapType.getActualTypeArguments()[1] instanceof Class<?> stateClass)) {
            throw unsupported(managerClass, name, "a nodeStates field that is a Map of node states, not " + statesField.getGenericType().getTypeName(), null);
        }
        Method askForState = member(stateClass, name, "asyncRefresh(boolean)", () -> stateClass.getMethod("asyncRefresh", boolean.class));
        Method workerNode = member(stateClass, name, "getInternalNode()", () -> stateClass.getMethod("getInternalNode"));
        if (!Future.class.isAssignableFrom(askForState.getReturnType())
                || !(workerNode.getGenericReturnType() instanceof ParameterizedType optionalType)
                || optionalType.getRawType() != Optional.class
                || !(optionalType.getActualTypeArguments()[0] instanceof Class<?> nodeClass)) {
            throw unsupported(stateClass, name, "asyncRefresh(boolean) returning a Future and getInternalNode() returning an Optional of a node", null);
        }
        Method nodeId = member(nodeClass, name, "getNodeIdentifier()", () -> nodeClass.getMethod("getNodeIdentifier"));
        Map<?, ?> workerStates;
        try {
            rebuildNodeList.setAccessible(true);
            statesField.setAccessible(true);
            workerStates = (Map<?, ?>) requireNonNull(statesField.get(manager), "nodeStates");
        }
        catch (ReflectiveOperationException | InaccessibleObjectException | NullPointerException e) {
            throw new IllegalStateException("Cannot reach the node states of " + managerClass.getName() + " behind " + name, e);
        }
        return Optional.of(new CoordinatorNodeStates(manager, refreshNodes, rebuildNodeList, workerStates, askForState, workerNode, nodeId, name));
    }

    @FunctionalInterface
    private interface Lookup<T>
    {
        T find()
                throws ReflectiveOperationException;
    }

    private static <T> T member(Class<?> owner, ObjectName name, String what, Lookup<T> lookup)
    {
        try {
            return lookup.find();
        }
        catch (ReflectiveOperationException e) {
            throw unsupported(owner, name, what, e);
        }
    }

    private static IllegalStateException unsupported(Class<?> owner, ObjectName name, String what, Exception cause)
    {
        return new IllegalStateException(owner.getName() + " behind " + name + " has no " + what + "; this Trino version is not supported", cause);
    }

    /**
     * Trino's poll step. Waiting for the answers, it asks every worker for its state and applies them, and blocks for as
     * long as the slowest worker takes to answer or fail (Trino's own 5 s poll goes on meanwhile). Without waiting, as
     * Trino's poller calls it, it applies the answers that have arrived and asks again only the workers with no request
     * out and no answer in the last second.
     */
    public void refresh(boolean waitForAnswers)
    {
        invoke(refreshNodes, nodeManager, waitForAnswers);
    }

    /**
     * Asks the worker with this node id for its state now (one request, to that worker only), waits up to
     * {@code maxWait} for the answer, then rebuilds the node list from every answer that has arrived.
     *
     * @return false when no worker the coordinator has heard from has this id: nothing was asked
     */
    public boolean askWorker(String nodeId, Duration maxWait)
            throws InterruptedException
    {
        requireNonNull(nodeId, "nodeId is null");
        Optional<?> state = workerStates.values().stream()
                .filter(candidate -> nodeId.equals(nodeIdOf(candidate)))
                .findFirst();
        if (state.isEmpty()) {
            applyAnswers();
            return false;
        }
        Future<?> answer = (Future<?>) invoke(askForState, state.get(), true);
        try {
            answer.get(Math.max(0, maxWait.toNanos()), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException | ExecutionException e) {
            // Trino's own handler turns a failed request into a state; a late one is the caller's to judge
        }
        applyAnswers();
        return true;
    }

    /** Rebuilds the node list from the answers that have arrived for Trino's own poll; asks no worker. */
    public void applyAnswers()
    {
        invoke(rebuildNodeList, nodeManager);
    }

    private String nodeIdOf(Object workerState)
    {
        Optional<?> node = (Optional<?>) invoke(workerNode, workerState);
        return node.map(found -> (String) invoke(nodeId, found)).orElse(null);
    }

    private Object invoke(Method method, Object target, Object... arguments)
    {
        try {
            return method.invoke(target, arguments);
        }
        catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call " + method.getName() + " on " + objectName, e);
        }
        catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(method.getName() + " on " + objectName + " failed", e.getCause());
        }
    }

    public ObjectName objectName()
    {
        return objectName;
    }

    // The JDK's MBean server keeps the registered DynamicMBean in its interceptor; there is no public accessor.
    private static Object registeredObject(MBeanServer server, ObjectName name)
    {
        try {
            // the field, not getMBeanServerInterceptor(), which refuses unless interceptors are enabled
            Field interceptorField = server.getClass().getDeclaredField("mbsInterceptor");
            interceptorField.setAccessible(true);
            Object interceptor = interceptorField.get(server);
            Method getMBean = interceptor.getClass().getDeclaredMethod("getMBean", ObjectName.class);
            getMBean.setAccessible(true);
            return getMBean.invoke(interceptor, name);
        }
        catch (InaccessibleObjectException e) {
            throw new IllegalStateException("Cannot reach the node manager behind " + name + ": add "
                    + String.join(" ", REQUIRED_JVM_OPTIONS) + " to the coordinator's etc/jvm.config", e);
        }
        catch (NoSuchFieldException | NoSuchMethodException e) {
            throw new IllegalStateException("Cannot reach the node manager behind " + name + ": the MBean server "
                    + server.getClass().getName() + " is not the JDK's platform MBean server", e);
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach the node manager behind " + name, e);
        }
    }

    // jmxutils' MBean holds the exported object in each attribute; Trino exports the manager's node counts.
    private static Object exportedTarget(Object mbean, ObjectName name)
    {
        try {
            Method getAttributes = mbean.getClass().getMethod("getAttributes");
            getAttributes.setAccessible(true);
            if (!(getAttributes.invoke(mbean) instanceof Collection<?> attributes) || attributes.isEmpty()) {
                throw new IllegalStateException(name + " exports no attributes; cannot find the object behind it");
            }
            Object attribute = attributes.iterator().next();
            Field target = attribute.getClass().getDeclaredField("target");
            target.setAccessible(true);
            return requireNonNull(target.get(attribute), "target");
        }
        catch (NoSuchMethodException | NoSuchFieldException e) {
            throw new IllegalStateException(name + " is a " + mbean.getClass().getName()
                    + ", not an MBean exported by jmxutils; this Trino version is not supported", e);
        }
        catch (ReflectiveOperationException | InaccessibleObjectException e) {
            throw new IllegalStateException("Cannot read the object behind " + name, e);
        }
    }
}
