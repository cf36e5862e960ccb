using Bunit;
using MudBlazor.Services;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>
/// One chip for a remediation task's status on both pages that list tasks (the campaign dashboard showed enum names and
/// coloured an unverified call green, the remediation page blue): words, and green only once a sync verified it.
/// </summary>
public sealed class RemediationStatusChipTests : BunitContext, IAsyncLifetime
{
    public RemediationStatusChipTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's key interceptor is disposable asynchronously only.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Theory]
    [InlineData(RemediationStatus.Pending, "Pending", "default")]
    [InlineData(RemediationStatus.Succeeded, "Succeeded", "info")]
    [InlineData(RemediationStatus.Verified, "Verified", "success")]
    [InlineData(RemediationStatus.ManualRequired, "Manual", "warning")]
    [InlineData(RemediationStatus.Drift, "Drift", "error")]
    [InlineData(RemediationStatus.Failed, "Failed", "error")]
    public void Chip_ShowsTheStatusInWordsWithItsColour(RemediationStatus status, string text, string colour)
    {
        var chip = Render<RemediationStatusChip>(p => p.Add(c => c.Value, status)).Find("[data-testid=remediation-status]");

        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{colour}", chip.ClassName);
    }

    [Fact]
    public void BothPagesThatListTasks_UseTheChip()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "ReviewPortal.Web", "Features");
        foreach (var page in new[] { "Campaigns/CampaignDashboardPage.razor", "Remediation/RemediationPage.razor" })
        {
            var markup = File.ReadAllText(Path.Combine(root, page));
            Assert.Contains("<RemediationStatusChip ", markup);
            Assert.DoesNotContain("data-testid=\"remediation-status\"", markup);
        }
    }
}
