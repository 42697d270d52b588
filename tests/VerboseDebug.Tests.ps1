# -Verbose and -Debug (issue "PowerShell experience", point 6): one verbose line per request with
# method, path, status, attempt and duration; headers under -Debug with Authorization redacted;
# the token in no stream at all.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force
    $Emulator = Start-GraphEmulator
    # A token that is easy to find in any text it might leak into.
    $Secret = 'verbose-debug-secret-' + [guid]::NewGuid().ToString('N')
    Add-GraphEmulatorToken -Emulator $Emulator -Token $Secret -Roles 'User.RevokeSessions.All', 'User.Read.All' | Out-Null
    Connect-GraphEmulator -Emulator $Emulator -Name 'VerboseDebugEmulator' -Token $Secret
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Request logging' {
    It 'writes one verbose line per request with method, path, status, attempt and duration' {
        $verbose = 'AdeleV@contoso.com', 'nobody@contoso.com' | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^POST ' }
        $verbose.Count | Should -Be 2
        @($verbose.Message -match '^POST /v1\.0/users/AdeleV@contoso\.com/revokeSignInSessions -> 200 \(attempt 1, \d+ ms\)$').Count | Should -Be 1
        @($verbose.Message -match '^POST /v1\.0/users/nobody@contoso\.com/revokeSignInSessions -> 404 \(attempt 1, \d+ ms\)$').Count | Should -Be 1
    }

    It 'logs every attempt of a retried request' {
        # Reset would also drop this file's token, so only the fault is switched on and off.
        Set-GraphEmulatorFault -Emulator $Emulator @{ rate503 = 1.0 } | Out-Null
        try {
            $verbose = Revoke-EntraUserAllRefreshToken -UserId 'AlexW@contoso.com' -MaxRetry 2 -ErrorAction SilentlyContinue -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^POST ' }
        }
        finally {
            Set-GraphEmulatorFault -Emulator $Emulator @{ rate503 = 0.0 } | Out-Null
        }
        ($verbose.Message | ForEach-Object { if ($_ -match '-> 503 \(attempt (\d+),') { [int] $Matches[1] } }) | Should -Be @(1, 2, 3)
    }

    It 'shows request and response headers under -Debug with Authorization redacted' {
        $debug = Revoke-EntraUserAllRefreshToken -UserId 'MeganB@contoso.com' -Debug 5>&1 |
            Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        $request = $debug.Message | Where-Object { $_ -match 'request headers:' }
        $request | Should -Match 'authorization: <redacted>'
        $request | Should -Match 'client-request-id: [0-9a-f-]{36}'
        $debug.Message | Where-Object { $_ -match 'response headers:' } | Should -Match 'request-id: [0-9a-f-]{36}'
    }

    It 'never shows the token in any stream, also for Get-EntraUser and failures' {
        $everything = & {
            'LeeG@contoso.com', 'nobody@contoso.com', '../me' | Revoke-EntraUserAllRefreshToken -Verbose -Debug -ErrorAction Continue
            Get-EntraUser -Top 3 -Verbose -Debug
            Get-EntraContext
        } *>&1 | Out-String -Width 4096
        $everything | Should -Match 'redacted'
        $everything | Should -Not -Match ([regex]::Escape($Secret))
        ($Error | Out-String -Width 4096) | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'does not prompt or throw under -Debug when no console can answer (unattended runs)' {
        $result = Revoke-EntraUserAllRefreshToken -UserId 'AlexW@contoso.com' -Debug 5>$null
        $result.Value | Should -BeTrue
    }

    It 'logs nothing without -Verbose or -Debug' {
        $records = Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' *>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] }
        $records | Should -BeNullOrEmpty
    }
}

Describe 'Setting the runtime''s stream preferences (RuntimePreferences, no public API for it)' {
    BeforeAll {
        # The internal helper, called directly: its fallback cannot be reached through a cmdlet
        # while PowerShell still has the members it looks for.
        $Type = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Tracing.RuntimePreferences', $true)
        $Method = $Type.GetMethod('DebugWithoutPrompts', [System.Reflection.BindingFlags]'NonPublic, Static')
        if (-not ('VerboseDebugTests.RuntimeWithSwitches' -as [type])) {
            Add-Type -TypeDefinition @'
namespace VerboseDebugTests {
    public sealed class RuntimeWithSwitches {
        internal bool Verbose { get; set; }
        internal System.Management.Automation.ActionPreference DebugPreference { get; set; } = System.Management.Automation.ActionPreference.Inquire;
        internal System.Management.Automation.ActionPreference WarningPreference { get; set; } = System.Management.Automation.ActionPreference.Inquire;
        public bool IsVerbose => Verbose;
        public System.Management.Automation.ActionPreference Debug => DebugPreference;
        public System.Management.Automation.ActionPreference Warning => WarningPreference;
    }
    public sealed class RuntimeWithOtherTypes {
        internal string Verbose { get; set; } = "no";
        internal int DebugPreference { get; set; } = 3;
    }
}
'@ -ReferencedAssemblies ([System.Management.Automation.ActionPreference].Assembly.Location)
        }
    }

    It 'sets nothing and throws nothing when the runtime has none of the members' {
        $set = $Method.Invoke($null, @([object]::new(), $true, [System.Management.Automation.ActionPreference]::Continue))
        @($set) | Should -BeNullOrEmpty
    }

    It 'sets nothing when the members exist with other types' {
        $runtime = [VerboseDebugTests.RuntimeWithOtherTypes]::new()
        @($Method.Invoke($null, @($runtime, $true, [System.Management.Automation.ActionPreference]::Continue))) | Should -BeNullOrEmpty
    }

    It 'turns Verbose on and Inquire into Continue (debug) and the caller''s warning preference when they exist' {
        $runtime = [VerboseDebugTests.RuntimeWithSwitches]::new()
        $set = @($Method.Invoke($null, @($runtime, $true, [System.Management.Automation.ActionPreference]::SilentlyContinue)))
        ($set | Sort-Object) -join ',' | Should -Be 'DebugPreference,Verbose,WarningPreference'
        $runtime.IsVerbose | Should -BeTrue
        $runtime.Debug | Should -Be 'Continue'
        $runtime.Warning | Should -Be 'SilentlyContinue'
    }

    It 'finds the members on the PowerShell it runs on (else -Debug would prompt again)' {
        # MshCommandRuntime is what a compiled cmdlet's CommandRuntime is; if PowerShell renames
        # the members this fails and says so, while the cmdlets fall back to PowerShell's behaviour.
        $runtimeType = [System.Management.Automation.PSCmdlet].Assembly.GetType('System.Management.Automation.MshCommandRuntime', $true)
        foreach ($name in 'Verbose', 'DebugPreference', 'WarningPreference') {
            $runtimeType.GetProperty($name, [System.Reflection.BindingFlags]'NonPublic, Instance') | Should -Not -BeNullOrEmpty -Because "MshCommandRuntime.$name"
        }
    }
}
