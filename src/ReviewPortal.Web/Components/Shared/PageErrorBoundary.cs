using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace ReviewPortal.Web.Components.Shared;

/// <summary>
/// Around every page: an exception in a handler or a render shows a clear message with a reference (the same one the
/// log line carries) and a reload link, instead of a frozen page; the layout and navigation keep working, and moving to
/// another page recovers. The exception itself stays in the log, never on screen.
/// </summary>
public sealed partial class PageErrorBoundary(ILogger<PageErrorBoundary> logger, NavigationManager navigation) : ErrorBoundaryBase
{
    /// <summary>The reference shown to the person and written in the log with the exception.</summary>
    public string? Reference { get; private set; }

    protected override Task OnErrorAsync(Exception exception)
    {
        Reference = Guid.NewGuid().ToString("N")[..12];
        LogPageFailed(logger, exception, Reference, navigation.Uri);
        return Task.CompletedTask;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (CurrentException is null)
        {
            builder.AddContent(0, ChildContent);
            return;
        }
        builder.OpenElement(1, "section");
        builder.AddAttribute(2, "role", "alert");
        builder.AddAttribute(3, "class", "page-error");
        builder.AddAttribute(4, "data-testid", "page-error");
        builder.OpenElement(5, "h1");
        builder.AddContent(6, "Something went wrong on this page");
        builder.CloseElement();
        builder.OpenElement(7, "p");
        builder.AddContent(8, "Nothing you already saved is lost. Reload the page to carry on; if it happens again, send this reference to the IAM team: ");
        builder.OpenElement(9, "code");
        builder.AddAttribute(10, "data-testid", "page-error-reference");
        builder.AddContent(11, Reference);
        builder.CloseElement();
        builder.CloseElement();
        builder.OpenElement(12, "a");
        builder.AddAttribute(13, "href", navigation.Uri);
        builder.AddAttribute(14, "data-enhance-nav", "false");
        builder.AddContent(15, "Reload the page");
        builder.CloseElement();
        builder.CloseElement();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A page failed (reference {Reference}) at {Url}")]
    private static partial void LogPageFailed(ILogger logger, Exception exception, string reference, string url);
}
