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

            return Path.Combine(ModuleRoot, "runtimes", RuntimeId, "native", PlatformFileName);
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

    /// <summary>The runtime identifier build.ps1 uses for the folder name, e.g. <c>linux-x64</c>.</summary>
    /// <remarks>
    /// Computed, not read from RuntimeInformation.RuntimeIdentifier, which can be a
    /// distribution-specific id (e.g. <c>ubuntu.22.04-x64</c>) on source-built .NET.
    /// </remarks>
    public static string RuntimeId
    {
        get
        {
            string os = OperatingSystem.IsWindows() ? "win"
                : OperatingSystem.IsMacOS() ? "osx"
                : OperatingSystem.IsLinux() ? "linux"
                : throw new PlatformNotSupportedException($"Unsupported operating system: {RuntimeInformation.OSDescription}");

            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                var other => throw new PlatformNotSupportedException($"Unsupported process architecture: {other}"),
            };

            return $"{os}-{arch}";
        }
    }

    /// <summary>The file name cargo gives the cdylib on this platform.</summary>
    public static string PlatformFileName =>
        OperatingSystem.IsWindows() ? LibraryName + ".dll"
        : OperatingSystem.IsMacOS() ? "lib" + LibraryName + ".dylib"
        : "lib" + LibraryName + ".so";

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
