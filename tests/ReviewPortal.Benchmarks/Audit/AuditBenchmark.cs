namespace ReviewPortal.Benchmarks.Audit;

internal static class AuditBenchmark
{
    public static Task EnsureDatabaseAsync(Support.Args args) => Task.CompletedTask;
    public static Task<Dictionary<string, object?>> RunAsync(Support.Args args) => throw new NotImplementedException();
}
