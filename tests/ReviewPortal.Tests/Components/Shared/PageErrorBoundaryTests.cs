using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReviewPortal.Web.Components.Shared;

namespace ReviewPortal.Tests.Components.Shared;

/// <summary>
/// A page whose button throws: instead of a frozen page the person reads what happened, a reference and a reload link,
/// and the log has the exception under the same reference. Another page recovers.
/// </summary>
public sealed class PageErrorBoundaryTests : BunitContext
{
    private readonly RecordingLoggerProvider _logs = new();

    public PageErrorBoundaryTests()
    {
        Services.AddLogging(logging => logging.AddProvider(_logs));
    }

    [Fact]
    public void HandlerThrows_ShowsMessageReferenceAndReload_LogsTheExceptionWithTheSameReference()
    {
        var cut = Render<PageErrorBoundary>(p => p.AddChildContent<ThrowingPage>());
        Assert.Empty(cut.FindAll("[data-testid=page-error]"));

        cut.Find("button").Click();

        var alert = cut.Find("[data-testid=page-error]");
        Assert.Equal("alert", alert.GetAttribute("role"));
        var reference = cut.Find("[data-testid=page-error-reference]").TextContent;
        Assert.Matches("^[0-9a-f]{12}$", reference);
        Assert.Equal("Reload the page", cut.Find("a").TextContent);
        Assert.Equal(Services.GetRequiredService<NavigationManager>().Uri, cut.Find("a").GetAttribute("href"));
        Assert.DoesNotContain("boom from a handler", cut.Markup);
        var logged = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(reference, logged.Message);
        Assert.Equal("boom from a handler", logged.Exception?.Message);
    }

    [Fact]
    public void AfterAFailure_Recover_ShowsThePageAgain()
    {
        var cut = Render<PageErrorBoundary>(p => p.AddChildContent<ThrowingPage>());
        cut.Find("button").Click();

        cut.InvokeAsync(() => cut.Instance.Recover());

        Assert.Empty(cut.FindAll("[data-testid=page-error]"));
        Assert.Equal("Throw", cut.Find("button").TextContent);
    }

    private sealed class ThrowingPage : ComponentBase
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "onclick", EventCallback.Factory.Create(this, () => throw new InvalidOperationException("boom from a handler")));
            builder.AddContent(2, "Throw");
            builder.CloseElement();
        }
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Entries)
                {
                    owner.Entries.Add((logLevel, formatter(state, exception), exception));
                }
            }
        }
    }
}
