using Bunit;
using MudBlazor.Services;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Requests;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>One chip per status family: a connector run's and an access request's status, each with one colour per status.</summary>
public sealed class StatusChipsTests : BunitContext, IAsyncLifetime
{
    public StatusChipsTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's key interceptor is disposable asynchronously only.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Theory]
    [InlineData(IngestionRunStatus.Running, "Running", "info")]
    [InlineData(IngestionRunStatus.Succeeded, "Succeeded", "success")]
    [InlineData(IngestionRunStatus.Failed, "Failed", "error")]
    [InlineData(IngestionRunStatus.Blocked, "Blocked", "error")]
    [InlineData(IngestionRunStatus.Skipped, "Skipped", "default")]
    public void RunChip_ShowsTheStatusWithItsColour(IngestionRunStatus status, string text, string colour)
    {
        var chip = Render<IngestionRunStatusChip>(p => p.Add(c => c.Value, status)).Find("[data-testid=run-status]");

        Assert.Equal((text, true), (chip.TextContent.Trim(), chip.ClassName!.Contains($"mud-chip-color-{colour}", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(AccessRequestStatus.Pending, "Pending", "info")]
    [InlineData(AccessRequestStatus.Approved, "Approved", "info")]
    [InlineData(AccessRequestStatus.Fulfilled, "Fulfilled", "success")]
    [InlineData(AccessRequestStatus.Denied, "Denied", "error")]
    [InlineData(AccessRequestStatus.Expired, "Expired", "default")]
    public void RequestChip_ShowsTheStatusWithItsColour(AccessRequestStatus status, string text, string colour)
    {
        var chip = Render<AccessRequestStatusChip>(p => p.Add(c => c.Value, status)).Find("[data-testid=request-status]");

        Assert.Equal((text, true), (chip.TextContent.Trim(), chip.ClassName!.Contains($"mud-chip-color-{colour}", StringComparison.Ordinal)));
    }
}
