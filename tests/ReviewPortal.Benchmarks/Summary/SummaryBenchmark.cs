namespace ReviewPortal.Benchmarks.Summary;

internal static class SummaryBenchmark
{
    public static Task<Dictionary<string, object?>> RunAsync(Support.Args args) => throw new NotImplementedException();
}
