using System.Diagnostics;

namespace ReviewPortal.Tests.Infrastructure.Operations;

/// <summary>Runs the built portal (`dotnet ReviewPortal.Web.dll …`) as a child process in its own temp folder.</summary>
public sealed class PortalProcess : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public PortalProcess()
    {
        WorkingDirectory = Path.Combine(Path.GetTempPath(), "reviewportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(WorkingDirectory);
    }

    public string WorkingDirectory { get; }

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public IReadOnlyList<string> OutLines => Lines(StdOut);
        public IReadOnlyList<string> ErrLines => Lines(StdErr);
        public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{StdOut}{Environment.NewLine}stderr:{Environment.NewLine}{StdErr}";

        private static List<string> Lines(string text) =>
            text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
    }

    public async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ReviewPortal.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // Nothing of the test runner's own configuration may leak into the child.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_") || k.StartsWith("DOTNET_ENVIRONMENT")
                     || k.StartsWith("ConnectionStrings__") || k.StartsWith("Database__") || k.StartsWith("AzureAd__")
                     || k.StartsWith("Demo__") || k.StartsWith("Hangfire__")).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["Database__DataFolder"] = Path.Combine(WorkingDirectory, "data");
        start.Environment["Hangfire__RunServer"] = "false";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ReviewPortal.Web {string.Join(' ', args)} did not exit within {Timeout.TotalSeconds:0} s.");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }
    }
}
