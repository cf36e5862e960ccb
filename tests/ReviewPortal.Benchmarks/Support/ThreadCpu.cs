using System.Runtime.InteropServices;

namespace ReviewPortal.Benchmarks.Support;

/// <summary>CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID): separates work from waiting for a core on a shared machine.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static bool Available { get; } = OperatingSystem.IsLinux();

    /// <summary>Milliseconds of CPU consumed by this thread so far (NaN where unsupported).</summary>
    public static double NowMs() =>
        Available && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;
}
