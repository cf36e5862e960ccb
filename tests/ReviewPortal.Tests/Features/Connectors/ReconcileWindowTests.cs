using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>Where the reconciliation re-reads from: the overlap before the last completed re-poll, never more than the cap.</summary>
public sealed class ReconcileWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IngestionOptions Options = new() { OverlapMinutes = 15, IndexingLagSeconds = 60, MaxReconcileHours = 24 };

    [Fact]
    public void For_NeverReconciled_ReadsTheOverlapBeforeNow()
    {
        Assert.Equal(new ReconcileWindow(Now.AddMinutes(-15), Now.AddSeconds(-60), Capped: false), ReconcileWindow.For(Now, null, Options));
    }

    [Fact]
    public void For_ReconciledAMinuteAgo_ReadsTheOverlapBeforeThatRun()
    {
        Assert.Equal(Now.AddMinutes(-16), ReconcileWindow.For(Now, Now.AddMinutes(-1), Options).From);
    }

    [Fact]
    public void For_TwentyMinutesOfFailedRuns_ReadsTheWholeOutagePlusTheOverlap()
    {
        var window = ReconcileWindow.For(Now, Now.AddMinutes(-21), Options);

        Assert.Equal((Now.AddMinutes(-36), Now.AddSeconds(-60), false), (window.From, window.To, window.Capped));
    }

    [Fact]
    public void For_OutageLongerThanTheCap_ReadsOnlyTheCap()
    {
        var window = ReconcileWindow.For(Now, Now.AddDays(-30), Options);

        Assert.Equal((Now.AddHours(-24), true), (window.From, window.Capped));
    }

    [Fact]
    public void For_PointAheadOfThisClock_ReadsNoLessThanTheOverlapBeforeNow()
    {
        Assert.Equal(Now.AddMinutes(-15), ReconcileWindow.For(Now, Now.AddMinutes(5), Options).From);
    }
}
