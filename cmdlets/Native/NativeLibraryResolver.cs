using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.Graph.Entra.Rs.Native;

/// <summary>
/// Tells the runtime where the Rust library lives: <c>&lt;module root&gt;/runtimes/&lt;rid&gt;/native/</c>.
/// </summary>
/// <remarks>
/// PowerShell's own fallback probes <c>&lt;assembly dir&gt;/&lt;os&gt;-&lt;arch&gt;/</c> without the
/// <c>lib</c> prefix cargo adds, so we resolve the path ourselves and, when the file is absent,
/// fail with a message that names it. Registering the resolver loads nothing: the library is
/// opened on the first P/Invoke, so <c>Import-Module</c> stays free of native code.
/// </remarks>
public static class NativeLibraryResolver
{
    /// <summary>The name the generated bindings import (interoptopus <c>dll_name</c>).</summary>
    public const string LibraryName = "microsoft_graph_entra_rs_native";

    /// <summary>Full path of the native library to load instead of the default; for tests.</summary>
    public const string PathOverrideVariable = "ENTRA_RS_NATIVE_PATH";

    private static int registered;

    /// <summary>
    /// Runs when the assembly's code is first executed (before any cmdlet is constructed).
    /// </summary>
    // CA2255 warns that module initializers are meant for app code; a resolver for this very
    // assembly's P/Invokes is the case it exists for, and it must be in place before them.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        // One resolver per assembly is allowed; a second registration would throw.
        if (System.Threading.Interlocked.Exchange(ref registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
    }

    /// <summary>
    /// Where the library is expected: <c>ENTRA_RS_NATIVE_PATH</c> when set, else
    /// <c>&lt;module root&gt;/runtimes/&lt;rid&gt;/native/&lt;file&gt;</c>. For diagnostics and tests.
    /// </summary>
    public static string ExpectedPath
    {
        get
        {
            string? overridePath = Environment.GetEnvironmentVariable(PathOverrideVariable);
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                return Path.GetFullPath(overridePath);
            }

            return PathFor(ModuleRoot, RuntimeId);
        }
    }

    /// <summary>
    /// The module root: the parent of <c>bin/</c>, the folder that holds this assembly.
    /// </summary>
    public static string ModuleRoot
    {
        get
        {
            string assemblyDir = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location)
                ?? throw new InvalidOperationException("The module assembly has no location on disk.");
            return Path.GetFullPath(Path.Combine(assemblyDir, ".."));
        }
    }

    /// <summary>Every runtime the package carries a library for (build/Package.ps1 lists the same).</summary>
    public static readonly string[] KnownRuntimeIds = ["win-x64", "win-arm64", "osx-x64", "osx-arm64", "linux-x64", "linux-arm64"];

    /// <summary>The runtime identifier of this process, e.g. <c>linux-x64</c>: the folder under <c>runtimes/</c>.</summary>
    /// <remarks>
    /// Computed, not read from RuntimeInformation.RuntimeIdentifier, which can be a
    /// distribution-specific id (e.g. <c>ubuntu.22.04-x64</c>) on source-built .NET.
    /// </remarks>
    public static string RuntimeId => RuntimeIdFor(CurrentPlatform, RuntimeInformation.ProcessArchitecture);

    /// <summary>The file name cargo gives the cdylib on this platform.</summary>
    public static string PlatformFileName => FileNameFor(CurrentPlatform);

    /// <summary>
    /// The runtime identifier a process on <paramref name="os"/> running as <paramref name="architecture"/>
    /// loads (an x64 pwsh on an Arm64 Windows, under emulation, loads win-x64).
    /// </summary>
    public static string RuntimeIdFor(OSPlatform os, Architecture architecture)
    {
        string prefix = os == OSPlatform.Windows ? "win"
            : os == OSPlatform.OSX ? "osx"
            : os == OSPlatform.Linux ? "linux"
            : throw new PlatformNotSupportedException($"Unsupported operating system: {os}");
        string arch = architecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            var other => throw new PlatformNotSupportedException($"Unsupported process architecture: {other}"),
        };
        return $"{prefix}-{arch}";
    }

    /// <summary>The library's file name on <paramref name="os"/> (cargo's naming: <c>lib</c> prefix outside Windows).</summary>
    public static string FileNameFor(OSPlatform os) =>
        os == OSPlatform.Windows ? LibraryName + ".dll"
        : os == OSPlatform.OSX ? "lib" + LibraryName + ".dylib"
        : os == OSPlatform.Linux ? "lib" + LibraryName + ".so"
        : throw new PlatformNotSupportedException($"Unsupported operating system: {os}");

    /// <summary>The library's file name for a runtime identifier such as <c>win-arm64</c>.</summary>
    public static string FileNameFor(string runtimeId) => FileNameFor(PlatformOf(runtimeId));

    /// <summary>Where a module rooted at <paramref name="moduleRoot"/> keeps the library for <paramref name="runtimeId"/>.</summary>
    public static string PathFor(string moduleRoot, string runtimeId) =>
        Path.Combine(moduleRoot, "runtimes", runtimeId, "native", FileNameFor(runtimeId));

    private static OSPlatform PlatformOf(string runtimeId)
    {
        if (Array.IndexOf(KnownRuntimeIds, runtimeId) < 0)
        {
            throw new PlatformNotSupportedException($"Unknown runtime identifier '{runtimeId}'; known: {string.Join(", ", KnownRuntimeIds)}.");
        }

        return runtimeId.StartsWith("win-", StringComparison.Ordinal) ? OSPlatform.Windows
            : runtimeId.StartsWith("osx-", StringComparison.Ordinal) ? OSPlatform.OSX
            : OSPlatform.Linux;
    }

    private static OSPlatform CurrentPlatform =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows
        : OperatingSystem.IsMacOS() ? OSPlatform.OSX
        : OperatingSystem.IsLinux() ? OSPlatform.Linux
        : throw new PlatformNotSupportedException($"Unsupported operating system: {RuntimeInformation.OSDescription}");

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, LibraryName, StringComparison.Ordinal))
        {
            // Not ours: let the runtime's default probing handle it.
            return IntPtr.Zero;
        }

        string path = ExpectedPath;
        if (!File.Exists(path))
        {
            throw new DllNotFoundException(
                $"The native library of Microsoft.Graph.Entra.Rs was not found at '{path}'. " +
                "Run ./build.ps1 from the repository root to build it" +
                $" (or point {PathOverrideVariable} at the library).");
        }

        return NativeLibrary.Load(path);
    }
}
