package io.trinospot.noderefresh;

import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The coordinator's node manager ({@code io.trino.node.CoordinatorNodeManager} in Trino 483), reached from a plugin.
 *
 * <p>Trino applies a worker's new state (SHUTTING_DOWN after a Spot notice) only when its node poller runs, every
 * 5 s, and that poll uses the answers of the previous one: the scheduler learns of the change 5 to 10 s late and
 * keeps placing tasks, including retries, on the doomed worker. {@code refreshNodes(true)} is the same step made
 * synchronous: it asks every worker for its state now, waits for the answers (or their failures) and rebuilds the
 * node list from them. Called every quarter second, a new state reaches the scheduler within about half a second
 * ({@link NodeStateRefresher} keeps that going while one worker does not answer).
 *
 * <p>Plugins see only the SPI, so the instance is taken from the MBean Trino exports for it: the platform MBean
 * server keeps it in JDK-internal classes, which needs {@link #REQUIRED_JVM_OPTIONS} in the coordinator's jvm.config.
 */
public final class CoordinatorNodeStates
{
    public static final List<String> REQUIRED_JVM_OPTIONS = List.of(
            "--add-opens=java.management/com.sun.jmx.mbeanserver=ALL-UNNAMED",
            "--add-opens=java.management/com.sun.jmx.interceptor=ALL-UNNAMED");

    static final String MBEAN_NAME_PATTERN = "*:name=CoordinatorNodeManager";

    private final Object nodeManager;
    private final Method refreshNodes;
    private final ObjectName objectName;

    private CoordinatorNodeStates(Object nodeManager, Method refreshNodes, ObjectName objectName)
    {
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
        this.refreshNodes = requireNonNull(refreshNodes, "refreshNodes is null");
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
        Method refreshNodes;
        try {
            refreshNodes = manager.getClass().getMethod("refreshNodes", boolean.class);
        }
        catch (NoSuchMethodException e) {
            throw new IllegalStateException(manager.getClass().getName() + " behind " + name
                    + " has no refreshNodes(boolean); this Trino version is not supported", e);
        }
        return Optional.of(new CoordinatorNodeStates(manager, refreshNodes, name));
    }

    /**
     * Trino's poll step. Waiting for the answers, it asks every worker for its state and applies them, and blocks for as
     * long as the slowest worker takes to answer or fail (Trino's own 5 s poll goes on meanwhile). Without waiting, as
     * Trino's poller calls it, it applies the answers that have arrived and asks again only the workers with no request
     * out and no answer in the last second.
     */
    public void refresh(boolean waitForAnswers)
    {
        try {
            refreshNodes.invoke(nodeManager, waitForAnswers);
        }
        catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call refreshNodes on " + objectName, e);
        }
        catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("refreshNodes on " + objectName + " failed", cause);
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
