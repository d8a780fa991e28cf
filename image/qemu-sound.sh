# image/qemu-sound.sh: the guest's sound card for both run.sh scripts (sourced, not run).
#
# sos_qemu_sound AUDIO AUDIO_FILE DISCARD fills the array `sound` with QEMU arguments for
# an Intel HDA controller with one output codec (-device intel-hda -device hda-output):
#   AUDIO 0        no card (--audio none)
#   AUDIO_FILE     into this WAV file (48 kHz S16 stereo, QEMU's wav audiodev)
#   piped input    (tests) into the WAV file DISCARD, never the host's sound
#   a terminal     the host's sound: PulseAudio, ALSA, or QEMU's silent 'none' backend
sos_qemu_sound() {
    local audio=$1 file=$2 discard=$3 backend
    sound=()
    [ "$audio" = 1 ] || return 0
    if [ -n "$file" ]; then
        backend="wav,path=$file,out.frequency=48000"
    elif [ ! -t 0 ]; then
        backend="wav,path=$discard,out.frequency=48000"
    elif [ -n "${PULSE_SERVER:-}" ] || [ -S "${XDG_RUNTIME_DIR:-/nonexistent}/pulse/native" ]; then
        backend="pa"
    elif [ -d /dev/snd ]; then
        backend="alsa"
    else
        backend="none"
    fi
    sound=(-audiodev "$backend,id=snd" -device intel-hda -device hda-output,audiodev=snd)
}
