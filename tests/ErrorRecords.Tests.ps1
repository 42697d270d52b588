# The failure kinds the native library reports (FailureKind, generated from
# rust/ffi/src/contract.rs) and the error ids GraphErrorRecords.Classify gives them: every named
# kind has its own mapping, so a kind added in Rust without one here fails this test instead of
# silently becoming the generic GraphError.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    $Assembly = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly
    $KindType = $Assembly.GetType('Microsoft.Graph.Entra.Rs.Native.FailureKind', $true)
    $Classify = $Assembly.GetType('Microsoft.Graph.Entra.Rs.Errors.GraphErrorRecords', $true).GetMethod(
        'Classify', [System.Reflection.BindingFlags] 'Static, Public, NonPublic')

    function Get-Mapping([int] $Value) {
        # Classify returns a ValueTuple: Item1 error id, Item2 category, Item3 recommended action.
        $Classify.Invoke($null, @([Enum]::ToObject($KindType, $Value)))
    }
}

Describe 'Failure kind error ids' {
    It 'maps every failure kind except Other to its own error id' {
        $names = [Enum]::GetNames($KindType) | Where-Object { $_ -ne 'Other' }
        $names | Should -Not -BeNullOrEmpty
        foreach ($name in $names) {
            $mapping = Get-Mapping ([int][Enum]::Parse($KindType, $name))
            $mapping.Item1 | Should -Not -BeExactly 'GraphError' -Because "$name needs its own error id"
        }
    }

    It 'gives <Kind> the error id <ErrorId> and category <Category> scripts match on' -TestCases @(
        @{ Kind = 'InvalidArgument'; ErrorId = 'InvalidUserId'; Category = 'InvalidArgument' }
        @{ Kind = 'BadRequest'; ErrorId = 'BadRequest'; Category = 'InvalidOperation' }
        @{ Kind = 'Authentication'; ErrorId = 'AuthenticationFailed'; Category = 'AuthenticationError' }
        @{ Kind = 'PermissionDenied'; ErrorId = 'PermissionDenied'; Category = 'PermissionDenied' }
        @{ Kind = 'NotFound'; ErrorId = 'UserNotFound'; Category = 'ObjectNotFound' }
        @{ Kind = 'Throttled'; ErrorId = 'Throttled'; Category = 'LimitsExceeded' }
        @{ Kind = 'Unavailable'; ErrorId = 'GraphUnavailable'; Category = 'ResourceUnavailable' }
        @{ Kind = 'Cancelled'; ErrorId = 'Cancelled'; Category = 'OperationStopped' }
        @{ Kind = 'DelegatedSignInRequired'; ErrorId = 'DelegatedSignInRequired'; Category = 'InvalidOperation' }
        @{ Kind = 'Other'; ErrorId = 'GraphError'; Category = 'NotSpecified' }
    ) {
        $mapping = Get-Mapping ([int][Enum]::Parse($KindType, $Kind))
        $mapping.Item1 | Should -BeExactly $ErrorId
        "$($mapping.Item2)" | Should -BeExactly $Category
    }

    It 'maps a kind newer than this assembly to the generic GraphError' {
        $unknown = ([Enum]::GetValues($KindType) | ForEach-Object { [int]$_ } | Measure-Object -Maximum).Maximum + 1
        (Get-Mapping $unknown).Item1 | Should -BeExactly 'GraphError'
    }
}

# Connect-Entra's failures: SignInFailureKind (generated from rust/ffi/src/sign_in_failure.rs) is
# the error id, SignInErrors.Classify gives the category; the ids are what they were as strings.
Describe 'Sign-in failure kinds' {
    BeforeAll {
        $SignInKindType = $Assembly.GetType('Microsoft.Graph.Entra.Rs.Native.SignInFailureKind', $true)
        $RecordType = $Assembly.GetType('Microsoft.Graph.Entra.Rs.Native.SignInErrorRecord', $true)
        $ToErrorRecord = $Assembly.GetType('Microsoft.Graph.Entra.Rs.Connection.SignInErrors', $true).GetMethod(
            'ToErrorRecord', [System.Reflection.BindingFlags] 'Static, Public, NonPublic')
        $SignInCases = @(
            @{ Kind = 'InvalidClientSecret'; Category = 'AuthenticationError' }
            @{ Kind = 'ExpiredClientSecret'; Category = 'AuthenticationError' }
            @{ Kind = 'InvalidClientAssertion'; Category = 'AuthenticationError' }
            @{ Kind = 'CertificateExpired'; Category = 'AuthenticationError' }
            @{ Kind = 'UnknownClient'; Category = 'ObjectNotFound' }
            @{ Kind = 'UnknownTenant'; Category = 'ObjectNotFound' }
            @{ Kind = 'ConsentRequired'; Category = 'PermissionDenied' }
            @{ Kind = 'AuthorizationDeclined'; Category = 'AuthenticationError' }
            @{ Kind = 'DeviceCodeExpired'; Category = 'OperationTimeout' }
            @{ Kind = 'SignInExpired'; Category = 'AuthenticationError' }
            @{ Kind = 'ManagedIdentityNotFound'; Category = 'ObjectNotFound' }
            @{ Kind = 'SignInRefused'; Category = 'AuthenticationError' }
            @{ Kind = 'CannotRefresh'; Category = 'AuthenticationError' }
            @{ Kind = 'SignInFailed'; Category = 'AuthenticationError' }
            @{ Kind = 'Unavailable'; Category = 'ConnectionError' }
            @{ Kind = 'InvalidCredential'; Category = 'InvalidArgument' }
            @{ Kind = 'RejectedAfterRenewal'; Category = 'AuthenticationError' }
            @{ Kind = 'Cancelled'; Category = 'OperationStopped' }
            @{ Kind = 'Internal'; Category = 'AuthenticationError' }
        )
        function New-SignInError([string] $Kind) {
            $record = [Activator]::CreateInstance($RecordType)
            $RecordType.GetProperty('Kind').SetValue($record, [Enum]::Parse($SignInKindType, $Kind))
            $RecordType.GetProperty('Message').SetValue($record, 'Entra refused it.')
            $ToErrorRecord.Invoke($null, @($record, $null, $null))
        }
    }

    It 'has a case below for every kind the native library can report' {
        ($SignInCases.Kind | Sort-Object) | Should -Be ([Enum]::GetNames($SignInKindType) | Sort-Object)
    }

    It 'names the error record after the kind and files it under its category' {
        foreach ($case in $SignInCases) {
            $record = New-SignInError $case.Kind
            $record.FullyQualifiedErrorId | Should -BeExactly $case.Kind
            "$($record.CategoryInfo.Category)" | Should -BeExactly $case.Category -Because $case.Kind
            $record.Exception.Message | Should -BeExactly 'Connect-Entra failed: Entra refused it.'
        }
    }
}
