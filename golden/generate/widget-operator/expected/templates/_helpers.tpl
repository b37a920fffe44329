
{{/*
Expand the name of the chart.
*/}}
{{- define "widget-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
Kubernetes names are limited to 63 characters; a release name that already contains the
chart name is used as is.
*/}}
{{- define "widget-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of an object whose input name did not start with the chart name: kept as written when
the release is named after the chart (so objects that already run are adopted), prefixed
with the fullname otherwise (so two releases never collide).
Usage: include "widget-operator.componentName" (list . "redis")
*/}}
{{- define "widget-operator.componentName" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $fullname := include "widget-operator.fullname" $root }}
{{- if eq $fullname $root.Chart.Name }}
{{- $name }}
{{- else }}
{{- printf "%s-%s" $fullname $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "widget-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "widget-operator.labels" -}}
helm.sh/chart: {{ include "widget-operator.chart" . }}
{{ include "widget-operator.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "widget-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "widget-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Namespace of the objects that render into the release namespace: namespaceOverride when set.
*/}}
{{- define "widget-operator.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
An image repository under global.imageRegistry: the registry replaces the repository's own
(its first part when that has a dot or a colon, or is localhost) and is put in front of a
repository that has none (docker.io's short names).
Usage: include "widget-operator.imageRepository" (list $ .Values.image.repository)
*/}}
{{- define "widget-operator.imageRepository" -}}
{{- $root := index . 0 }}
{{- $repo := index . 1 }}
{{- $registry := dig "imageRegistry" "" (default (dict) $root.Values.global) }}
{{- if $registry }}
{{- $parts := splitList "/" $repo }}
{{- $first := first $parts }}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) }}
{{- $repo = rest $parts | join "/" }}
{{- end }}
{{- printf "%s/%s" (trimSuffix "/" $registry) $repo }}
{{- else }}
{{- $repo }}
{{- end }}
{{- end }}


{{/*
Checks on the values that hold even with --skip-schema-validation. templates/validate.yaml
runs them on every render, so a render fails with a message that names the key and the fix.
*/}}
{{- define "widget-operator.validateValues" -}}
{{- if not .Values.image.repository }}
{{- fail "image.repository: set the container image repository" }}
{{- end }}
{{- if and .Values.secrets.existingSecret (or (index .Values.secrets "tls.crt") (index .Values.secrets "tls.key")) }}
{{- fail "secrets: set either existingSecret or the secret values, not both" }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- if lt (int .Values.autoscaling.minReplicas) 1 }}
{{- fail "autoscaling.minReplicas: must be at least 1" }}
{{- end }}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) }}
{{- fail "autoscaling: minReplicas must not be greater than maxReplicas" }}
{{- end }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (and (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (ne (toString .Values.podDisruptionBudget.minAvailable) "")) (and (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) (ne (toString .Values.podDisruptionBudget.maxUnavailable) "")) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both; Kubernetes refuses a PodDisruptionBudget with both" }}
{{- end }}
{{- end }}
