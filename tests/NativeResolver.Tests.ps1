# Where the module looks for its Rust library, and how it fails when the file is missing.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    $Resolver = 'Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver' -as [type]
}

Describe 'NativeLibraryResolver: every runtime, as plain functions' {
    It 'maps a <Arch> process on <OS> to <Rid>, <File> and runtimes/<Rid>/native/' -ForEach @(
        @{ OS = 'Windows'; Arch = 'X64'; Rid = 'win-x64'; File = 'microsoft_graph_entra_rs_native.dll' }
        @{ OS = 'Windows'; Arch = 'Arm64'; Rid = 'win-arm64'; File = 'microsoft_graph_entra_rs_native.dll' }
        @{ OS = 'OSX'; Arch = 'X64'; Rid = 'osx-x64'; File = 'libmicrosoft_graph_entra_rs_native.dylib' }
        @{ OS = 'OSX'; Arch = 'Arm64'; Rid = 'osx-arm64'; File = 'libmicrosoft_graph_entra_rs_native.dylib' }
        @{ OS = 'Linux'; Arch = 'X64'; Rid = 'linux-x64'; File = 'libmicrosoft_graph_entra_rs_native.so' }
        @{ OS = 'Linux'; Arch = 'Arm64'; Rid = 'linux-arm64'; File = 'libmicrosoft_graph_entra_rs_native.so' }
    ) {
        $platform = [System.Runtime.InteropServices.OSPlatform]::$OS
        $Resolver::RuntimeIdFor($platform, $Arch) | Should -BeExactly $Rid
        $Resolver::FileNameFor($platform) | Should -BeExactly $File
        $Resolver::FileNameFor($Rid) | Should -BeExactly $File
        $root = Join-Path $TestDrive 'Module Root'
        $Resolver::PathFor($root, $Rid) | Should -BeExactly ([System.IO.Path]::Combine($root, 'runtimes', $Rid, 'native', $File))
        # build.ps1 and the package compute the same names.
        Get-RuntimeId -OS $OS -Architecture $Arch | Should -BeExactly $Rid
        Get-NativeFileName -RuntimeId $Rid | Should -BeExactly $File
        Get-CargoTarget -RuntimeId $Rid | Should -Match '^(x86_64|aarch64)-'
    }

    It 'knows the same six runtimes as build.ps1 and the package' {
        @($Resolver::KnownRuntimeIds) | Should -Be @(Get-KnownRuntimeId)
        @(Get-KnownRuntimeId).Count | Should -Be 6
    }

    It 'refuses a process it has no library for (<What>)' -ForEach @(
        @{ What = 'x86'; OS = 'Windows'; Arch = 'X86' }
        @{ What = '32-bit Arm'; OS = 'Linux'; Arch = 'Arm' }
        @{ What = 'FreeBSD'; OS = 'FreeBSD'; Arch = 'X64' }
    ) {
        $platform = [System.Runtime.InteropServices.OSPlatform]::$OS
        # Static methods called from PowerShell wrap what they throw in MethodInvocationException.
        $thrown = try { $Resolver::RuntimeIdFor($platform, $Arch); $null } catch { $_.Exception.InnerException }
        $thrown | Should -BeOfType ([System.PlatformNotSupportedException])
        { Get-RuntimeId -OS $OS -Architecture $Arch } | Should -Throw
        $thrown = try { $Resolver::FileNameFor('linux-x86'); $null } catch { $_.Exception.InnerException }
        $thrown | Should -BeOfType ([System.PlatformNotSupportedException])
        { Get-NativeFileName -RuntimeId 'linux-x86' } | Should -Throw
    }
}

Describe 'NativeLibraryResolver' {
    It 'expects the library in runtimes/RID/native under the module root' {
        $expected = Get-FullPath (Join-Path $RepoRoot "runtimes/$(Get-RuntimeId)/native/$(Get-NativeFileName)")
        $Resolver::ExpectedPath | Should -BeExactly $expected
    }

    It 'agrees with build.ps1 on the runtime id and file name' {
        $Resolver::RuntimeId | Should -BeExactly (Get-RuntimeId)
        $Resolver::PlatformFileName | Should -BeExactly (Get-NativeFileName)
    }

    It 'takes the full path from ENTRA_RS_NATIVE_PATH' {
        $missing = Get-FullPath (Join-Path ([System.IO.Path]::GetTempPath()) "entra-rs-missing-$PID/libnothing.so")
        $result = Invoke-ChildPwsh -Environment @{ ENTRA_RS_NATIVE_PATH = $missing } -Script @"
Import-Module '$ManifestPath'
[Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver]::ExpectedPath
"@
        $result.Output | Should -Contain $missing
    }

    It 'fails the first native call with a message naming the missing path (<Cmdlet>)' -ForEach @(
        # Add-EntraEnvironment is the first native call of a session: its endpoints are checked
        # by the native rule Connect-Entra applies. Loopback endpoints and -AccessToken (which
        # sends nothing when connecting): nothing may leave the machine even if the library loaded.
        @{ Cmdlet = 'AddEntraEnvironmentCommand'; Command = 'Add-EntraEnvironment -Name Nowhere -GraphEndpoint http://127.0.0.1:9 -AzureADEndpoint http://127.0.0.1:9' }
        @{ Cmdlet = 'ConnectEntraCommand'; Command = "Connect-Entra -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force)" }
    ) {
        $missing = Get-FullPath (Join-Path ([System.IO.Path]::GetTempPath()) "entra-rs-missing-$PID/libnothing.so")
        $result = Invoke-ChildPwsh -Environment @{ ENTRA_RS_NATIVE_PATH = $missing } -Script @"
Import-Module '$ManifestPath'
try {
    $Command -ErrorAction Stop | Out-Null
    'no error'
}
catch {
    'id: ' + `$_.FullyQualifiedErrorId
    'error: ' + `$_.ToString()
}
"@
        $result.Output | Should -Not -Contain 'no error'
        $result.Output | Should -Contain "id: NativeLibraryUnavailable,Microsoft.Graph.Entra.Rs.Cmdlets.$Cmdlet"
        ($result.Output -join "`n") | Should -BeLike "*error: *$missing*"
    }
}
