using Bunit;
using MudBlazor;
using MudBlazor.Services;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>The queue's per-row components: the 30-day sparkline and the recommendation chip.</summary>
public class ReviewQueueComponentTests : BunitContext, IAsyncLifetime
{
    public ReviewQueueComponentTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void Sparkline_ThirtyDays_OnePointPerDayAndTotalsInTheLabel()
    {
        var values = new int[30];
        values[3] = 5;
        values[10] = 2;
        values[29] = 8;

        var cut = Render<Sparkline>(p => p.Add(c => c.Values, values));

        var svg = cut.Find("[data-testid=sparkline]");
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("3 active of 30 days, 15 events, peak 8 a day", svg.GetAttribute("aria-label"));
        var points = cut.Find("polyline").GetAttribute("points")!.Split(' ');
        Assert.Equal(30, points.Length);
        Assert.Equal("1,22", points[0]);
        Assert.Equal("109,2", points[29]);
        Assert.Single(cut.FindAll("circle"));
    }

    [Fact]
    public void Sparkline_KeyWithOnlyTokens_CountsTokenDaysAsActive_AndDrawsTheTokens()
    {
        var tokens = Enumerable.Range(0, 30).Select(i => i >= 10 ? 150_000L : 0).ToArray();

        var cut = Render<Sparkline>(p => p.Add(c => c.Values, new int[30]).Add(c => c.Tokens, tokens));

        // A key that only serves Messages has no feed event: the grid must not read "0 active" beside "used 20 of 30 days".
        Assert.Equal("20 active of 30 days, 0 events, 3 M tokens, peak 0 events a day", cut.Find("[data-testid=sparkline]").GetAttribute("aria-label"));
        var points = cut.Find("polyline").GetAttribute("points")!.Split(' ');
        Assert.Equal(("1,22", "109,2"), (points[0], points[29]));
    }

    [Fact]
    public void Sparkline_EventsAndTokens_DrawsTheEvents_CountsADayWithEitherAsActive()
    {
        var events = new int[30];
        events[29] = 4;
        var tokens = new long[30];
        tokens[5] = 1_000;

        var cut = Render<Sparkline>(p => p.Add(c => c.Values, events).Add(c => c.Tokens, tokens));

        Assert.Equal("2 active of 30 days, 4 events, 1,000 tokens, peak 4 events a day", cut.Find("[data-testid=sparkline]").GetAttribute("aria-label"));
        Assert.Equal("109,2", cut.Find("polyline").GetAttribute("points")!.Split(' ')[29]);
    }

    [Fact]
    public void Sparkline_NoValues_NoPolylineAndZeroTotals()
    {
        var cut = Render<Sparkline>(p => p.Add(c => c.Values, []));

        Assert.Empty(cut.FindAll("polyline"));
        Assert.Equal("0 active of 0 days, 0 events, peak 0 a day", cut.Find("[data-testid=sparkline]").GetAttribute("aria-label"));
    }

    [Theory]
    [InlineData(Recommendation.Keep, "Keep", "success")]
    [InlineData(Recommendation.Revoke, "Revoke", "error")]
    [InlineData(Recommendation.Reduce, "Reduce", "warning")]
    [InlineData(Recommendation.LookCloser, "Look closer", "info")]
    public void RecommendationChip_Recommendation_TextColourAndLabel(Recommendation recommendation, string text, string colour)
    {
        var cut = Render<RecommendationChip>(p => p.Add(c => c.Value, recommendation).Add(c => c.Reason, "because"));

        var chip = cut.Find("[data-testid=recommendation-chip]");
        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Equal("Recommendation: because", chip.GetAttribute("aria-label"));
        Assert.Equal(colour, RecommendationChip.ColorOf(recommendation).ToString().ToLowerInvariant());
        Assert.Contains($"mud-chip-color-{colour}", chip.ClassName);
    }
}
