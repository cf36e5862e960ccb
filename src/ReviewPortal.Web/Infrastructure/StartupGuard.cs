using Microsoft.Extensions.Options;

namespace ReviewPortal.Web.Infrastructure;

/// <summary>Turns configuration mistakes into one clear line on stderr and a non-zero exit code.</summary>
public static class StartupGuard
{
    public static async Task<int> RunAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (StartupException ex)
        {
            return Fail(ex.Message);
        }
        catch (OptionsValidationException ex)
        {
            return Fail($"Invalid configuration: {string.Join("; ", ex.Failures)}");
        }
        catch (HostAbortedException)
        {
            throw; // `dotnet ef` stops the host this way on purpose.
        }
        catch (Exception ex) when (FindStartupCause(ex) is { } cause)
        {
            return Fail(cause.Message);
        }
    }

    private static StartupException? FindStartupCause(Exception ex) => ex switch
    {
        StartupException s => s,
        AggregateException a => a.InnerExceptions.Select(FindStartupCause).FirstOrDefault(c => c is not null),
        { InnerException: { } inner } => FindStartupCause(inner),
        _ => null,
    };

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"reviewportal: {message}");
        return 2;
    }
}
