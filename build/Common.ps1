# Shared helpers for build.ps1: paths, platform names and running external tools.
# Dot-sourced by build.ps1; every function here is side-effect free unless its verb says otherwise.

function Write-Step {
    # A visible header per step, so a CI log can be skimmed.
    param([Parameter(Mandatory)] [string] $Message)
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Stop-Build {
    # Ends the build with ONE line on stderr (no script position noise) and a non-zero exit.
    param([Parameter(Mandatory)] [string] $Message, [int] $ExitCode = 1)
    $Host.UI.WriteErrorLine("build.ps1: $Message")
    exit $ExitCode
}

function Invoke-Native {
    # Runs an external program, echoing the command line; throws when it exits non-zero.
    # Output goes to the host so it never leaks into a function's return value.
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [Parameter(Mandatory)] [string] $What
    )
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE)."
    }
}

function Get-RuntimeId {
    # The folder name under runtimes/, computed the same way as NativeLibraryResolver.RuntimeId.
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } elseif ($IsLinux) { 'linux' }
          else { throw 'Unsupported operating system.' }
    $arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture) {
        'X64' { 'x64' }
        'Arm64' { 'arm64' }
        default { throw "Unsupported process architecture: $_" }
    }
    "$os-$arch"
}

function Get-NativeFileName {
    # The file cargo produces for the entra-ffi cdylib on this platform.
    $name = 'microsoft_graph_entra_rs_native'
    if ($IsWindows) { "$name.dll" } elseif ($IsMacOS) { "lib$name.dylib" } else { "lib$name.so" }
}

function Get-ExecutableName {
    # Appends .exe on Windows.
    param([Parameter(Mandatory)] [string] $Name)
    if ($IsWindows) { "$Name.exe" } else { $Name }
}

function Get-PwshPath {
    # The pwsh that runs this script, for child processes. [Environment]::ProcessPath is not
    # it when pwsh is a dotnet global tool (that is dotnet itself), so look in $PSHOME first.
    $own = Join-Path $PSHOME (Get-ExecutableName 'pwsh')
    if (Test-Path -LiteralPath $own -PathType Leaf) { return $own }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}
