package io.trinospot.cli.fis;

import io.trinospot.cli.CommandLines;
import io.trinospot.fis.aws.FisException;
import io.trinospot.fis.plan.PlanException;
import io.trinospot.fis.template.InvalidTemplateException;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * How the fis and demo commands fail: an invalid template prints each problem on its own line and a count; anything
 * else expected (a plan that cannot be made, an AWS error, a file that cannot be written) is one line; exit 1.
 */
final class Failures
{
    private Failures() {}

    @FunctionalInterface
    interface Body
    {
        int run()
                throws InvalidTemplateException, PlanException, FisException, IOException, InterruptedException;
    }

    static int guard(CommandSpec spec, Body body)
    {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        try {
            return body.run();
        }
        catch (InvalidTemplateException e) {
            e.problems().forEach(problem -> err.println("error: " + problem.line()));
            err.println(name + ": " + e.problems().size() + " problem(s) in the template");
        }
        catch (PlanException | FisException e) {
            err.println(name + ": " + CommandLines.oneLine(e.getMessage()));
        }
        catch (IOException e) {
            err.println(name + ": " + CommandLines.oneLine(e));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(name + ": interrupted");
        }
        return CommandLines.FAILED;
    }
}
