using System.Diagnostics;
using System.Text;

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
        using var process = Process.Start(StartInfo(environment, args)) ?? throw new InvalidOperationException("Could not start dotnet.");
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

    /// <summary>
    /// Starts the portal as a web host on a port the OS picks (127.0.0.1) and returns once Kestrel listens; fails with
    /// the output so far when the process exits first (a refusal) or does not listen within <see cref="Timeout"/>.
    /// </summary>
    public async Task<Running> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(StartInfo(environment, ["--urls", "http://127.0.0.1:0"]))
            ?? throw new InvalidOperationException("Could not start dotnet.");
        var running = new Running(process);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await running.ListeningAsync(timeout.Token);
            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    /// <summary>A portal process that serves until disposed (then it is killed).</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Running(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data, listens: true);
            process.ErrorDataReceived += (_, e) => Append(e.Data, listens: false);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) =>
            {
                process.WaitForExit(); // drains the redirected output, so the message carries the last lines
                _listening.TrySetException(new InvalidOperationException(
                    $"ReviewPortal.Web exited with {process.ExitCode} before listening.{Environment.NewLine}{Output}"));
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

        /// <summary>Everything the process wrote so far, stdout and stderr interleaved.</summary>
        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        internal async Task ListeningAsync(CancellationToken cancellationToken)
        {
            try
            {
                BaseAddress = new Uri(await _listening.Task.WaitAsync(cancellationToken));
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"ReviewPortal.Web did not listen within {Timeout.TotalSeconds:0} s.{Environment.NewLine}{Output}");
            }
        }

        private void Append(string? line, bool listens)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
            const string Listening = "Now listening on: ";
            var at = line.IndexOf(Listening, StringComparison.Ordinal);
            if (listens && at >= 0)
            {
                _listening.TrySetResult(line[(at + Listening.Length)..].Trim());
            }
        }

        /// <summary>The OS process id (Hangfire names its server after the host and this id).</summary>
        public int ProcessId => _process.Id;

        /// <summary>
        /// Stops the portal the way a service manager does (SIGTERM, so Hangfire and Kestrel shut down cleanly) and waits for
        /// it to exit; kills it if it has not exited within <paramref name="timeout"/>. Where there is no SIGTERM, it kills.
        /// </summary>
        public async Task StopAsync(TimeSpan timeout)
        {
            if (_process.HasExited)
            {
                return;
            }
            if (!OperatingSystem.IsWindows())
            {
                using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                    ?? throw new InvalidOperationException("Could not run kill.");
                await term.WaitForExitAsync();
            }
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }

    private ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string[] args)
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
                     || k.StartsWith("Demo__") || k.StartsWith("Hangfire__") || k.StartsWith("Email__")
                     || k.StartsWith("DataProtection__")).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["Database__DataFolder"] = Path.Combine(WorkingDirectory, "data");
        start.Environment["Hangfire__RunServer"] = "false";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return start;
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
