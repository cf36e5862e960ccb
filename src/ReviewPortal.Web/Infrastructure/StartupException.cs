namespace ReviewPortal.Web.Infrastructure;

/// <summary>A configuration problem the operator can fix; shown as one line, never a stack trace.</summary>
public sealed class StartupException(string message) : Exception(message);
