"""The pose of every built-in exercise, keyed by id, for the pictures in data/pictures.

Angles follow `figure`: the figure faces right; `lean` tips the trunk forward; hip and
shoulder flexion swing a limb forward of the trunk's line, knee flexion brings the heel back,
ankle plantarflexion points the toes. The "near" leg, drawn dark, is always the one that
works or stretches, and it carries the mark; the "far" limbs are grey. Every move that moves
shows its other end: a ghost of the limbs that move, or an arrow where a ghost would lie on
another limb. A desk held with one hand stands beside the body (behind it in the picture), so
a leg that swings forward passes in front of the desk, not through it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from standup.exercises.figure import Arm, Arrow, Leg, Pose, Prop


def with_ghost(pose: Pose, **start: Any) -> Pose:
    """`pose` with a ghost of where the move starts: the same pose with `start` changed."""
    return replace(pose, ghost=replace(pose, **start))


STAND = Leg(hip=0, knee=4)
HANG = Arm(shoulder=8, elbow=10)
SIT = Leg(hip=90, knee=90)
ON_HIPS = Arm(shoulder=-30, elbow=110)  # hands on the hips, elbows back
DESK_BESIDE = Prop("desk", at="far_hand", beside=True)
TO_DESK_BESIDE = Arm(shoulder=12, elbow=22)  # the far hand on a desk beside the hip

# Long split stance: front knee bent over the foot, back leg long with the heel up.
_SPLIT_FRONT = Leg(hip=30, knee=30)
_SPLIT_BACK = Leg(hip=-34, knee=8, ankle=50)

POSES: dict[str, Pose] = {
    "split-stance-hip-flexor-stretch": Pose(
        near_leg=_SPLIT_BACK,
        far_leg=_SPLIT_FRONT,
        near_arm=HANG,
        far_arm=HANG,
        mark=(("near", "front_hip"),),
    ),
    "reach-up-lunge-stretch": Pose(
        lean=-4,
        near_leg=Leg(hip=-40, knee=8, ankle=50),
        far_leg=Leg(hip=26, knee=30),
        near_arm=Arm(shoulder=168, elbow=8),
        far_arm=HANG,
        mark=(("near", "front_hip"),),
    ),
    "standing-quad-hip-flexor-stretch": Pose(
        near_leg=Leg(hip=-8, knee=150, ankle=30),
        far_leg=STAND,
        near_arm=Arm(shoulder=-40, elbow=0),
        far_arm=TO_DESK_BESIDE,
        props=(DESK_BESIDE,),
        mark=(("near", "front_thigh"),),
    ),
    "desk-lunge-stretch": Pose(
        lean=6,
        near_leg=Leg(hip=-28, knee=52, ankle=20),
        far_leg=Leg(hip=84, knee=84),
        near_arm=Arm(shoulder=76, elbow=10),
        far_arm=Arm(shoulder=76, elbow=10),
        props=(Prop("desk", at="near_hand"),),
        mark=(("near", "front_hip"),),
    ),
    "seated-hip-flexor-stretch": Pose(
        near_leg=Leg(hip=-44, knee=50, ankle=30),
        far_leg=SIT,
        near_arm=HANG,
        far_arm=Arm(shoulder=20, elbow=50),
        props=(Prop("chair", at="pelvis", beside=True),),
        mark=(("near", "front_hip"),),
    ),
    "half-kneeling-hip-flexor-stretch": Pose(
        near_leg=Leg(hip=-12, knee=78, ankle=75),
        far_leg=Leg(hip=84, knee=84),
        near_arm=HANG,
        far_arm=HANG,
        props=(Prop("mat", at="near_knee"),),
        mark=(("near", "front_hip"),),
    ),
    "couch-stretch": Pose(
        lean=-6,
        near_leg=Leg(hip=-31, knee=155, ankle=0),
        far_leg=Leg(hip=74, knee=78),
        near_arm=HANG,
        far_arm=Arm(shoulder=30, elbow=60),
        props=(Prop("sofa", at="near_heel"), Prop("mat", at="near_knee")),
        mark=(("near", "front_thigh"),),
    ),
    "supine-hip-flexor-stretch": Pose(
        lean=-90,
        near_leg=Leg(hip=-35, knee=70),
        far_leg=Leg(hip=125, knee=130),
        near_arm=Arm(shoulder=60, elbow=80),
        far_arm=Arm(shoulder=60, elbow=80),
        props=(Prop("bed", at="pelvis"),),
        mark=(("near", "front_hip"),),
    ),
    "standing-pelvic-tilts": Pose(
        lean=-4,
        near_leg=Leg(hip=0, knee=10),
        far_leg=Leg(hip=0, knee=10),
        near_arm=ON_HIPS,
        far_arm=ON_HIPS,
        arrow=Arrow("pelvis", "tilt"),
        mark=(("near", "glute"),),
    ),
    "lunge-rocks": Pose(
        near_leg=Leg(hip=-30, knee=10, ankle=46),
        far_leg=Leg(hip=30, knee=50),
        near_arm=HANG,
        far_arm=TO_DESK_BESIDE,
        props=(DESK_BESIDE,),
        arrow=Arrow("pelvis", "rock", shift=(0, -30)),
        mark=(("near", "front_hip"),),
    ),
    "standing-hip-circles": Pose(
        near_leg=Leg(hip=80, knee=90),
        far_leg=STAND,
        near_arm=HANG,
        far_arm=TO_DESK_BESIDE,
        props=(DESK_BESIDE,),
        arrow=Arrow("near_knee", "circle"),
        mark=(("near", "front_hip"),),
    ),
    "two-minute-walk": Pose(
        lean=4,
        near_leg=Leg(hip=26, knee=8, ankle=-10),
        far_leg=Leg(hip=-24, knee=22, ankle=28),
        near_arm=Arm(shoulder=-28, elbow=20),
        far_arm=Arm(shoulder=32, elbow=30),
        arrow=Arrow("shoulder", "ahead", shift=(22, 0)),
    ),
    "standing-knee-raise": with_ghost(
        Pose(
            near_leg=Leg(hip=90, knee=90),
            far_leg=STAND,
            near_arm=HANG,
            far_arm=TO_DESK_BESIDE,
            props=(DESK_BESIDE,),
            ghost_at="pelvis",
            arrow=Arrow("near_knee", "swing"),
            mark=(("near", "front_hip"),),
        ),
        near_leg=STAND,
    ),
    "lunge-knee-drive": with_ghost(
        Pose(
            near_leg=Leg(hip=92, knee=92),
            far_leg=STAND,
            near_arm=HANG,
            far_arm=TO_DESK_BESIDE,
            props=(DESK_BESIDE,),
            ghost_at="pelvis",
            mark=(("near", "front_hip"),),
        ),
        near_leg=Leg(hip=-42, knee=8, ankle=50),
    ),
    "standing-straight-leg-raise": with_ghost(
        Pose(
            near_leg=Leg(hip=42, knee=0, ankle=-5),
            far_leg=STAND,
            near_arm=HANG,
            far_arm=TO_DESK_BESIDE,
            props=(DESK_BESIDE,),
            ghost_at="pelvis",
            arrow=Arrow("near_knee", "swing"),
            mark=(("near", "front_thigh"),),
        ),
        near_leg=STAND,
    ),
    "seated-knee-lift": Pose(
        near_leg=Leg(hip=106, knee=90),
        far_leg=SIT,
        near_arm=Arm(shoulder=15, elbow=40),
        far_arm=Arm(shoulder=15, elbow=40),
        props=(Prop("chair", at="pelvis"),),
        arrow=Arrow("near_toe", "lift", shift=(5, 2)),
        mark=(("near", "front_hip"),),
    ),
    "heel-dig-hamstring-stretch": Pose(
        # The back knee bends and the hips sit back over it; the front heel digs in.
        lean=30,
        near_leg=Leg(hip=48, knee=0, ankle=-25),
        far_leg=Leg(hip=34, knee=26, ankle=-22),
        near_arm=ON_HIPS,
        far_arm=ON_HIPS,
        mark=(("near", "back_thigh"),),
    ),
    "desk-hinge-hamstring-stretch": Pose(
        lean=88,
        near_leg=Leg(hip=86, knee=4),
        far_leg=Leg(hip=86, knee=4),
        near_arm=Arm(shoulder=170, elbow=0),
        far_arm=Arm(shoulder=170, elbow=0),
        props=(Prop("desk", at="near_hand"),),
        mark=(("near", "back_thigh"),),
    ),
    "soft-knee-forward-fold": Pose(
        # Hips over the heels, knees soft, the trunk, head and arms hanging to the floor.
        lean=130,
        head_tilt=30,
        near_leg=Leg(hip=150, knee=20),
        far_leg=Leg(hip=150, knee=20),
        near_arm=Arm(shoulder=130, elbow=35),
        far_arm=Arm(shoulder=126, elbow=38),
        mark=(("near", "back_thigh"),),
    ),
    "supine-hamstring-stretch": Pose(
        lean=-90,
        near_leg=Leg(hip=80, knee=8, ankle=-10),
        far_leg=Leg(hip=45, knee=95),
        near_arm=Arm(shoulder=50, elbow=0),
        far_arm=Arm(shoulder=50, elbow=0),
        props=(Prop("strap", at="near_hand"),),
        mark=(("near", "back_thigh"),),
    ),
    "standing-hamstring-step-stretch": Pose(
        lean=28,
        near_leg=Leg(hip=80, knee=4, ankle=0),
        far_leg=Leg(hip=34, knee=8),
        near_arm=ON_HIPS,
        far_arm=ON_HIPS,
        props=(Prop("step", at="near_heel"),),
        mark=(("near", "back_thigh"),),
    ),
    "seated-hamstring-stretch": Pose(
        lean=28,
        near_leg=Leg(hip=89, knee=0, ankle=-25),
        far_leg=Leg(hip=118, knee=90),
        near_arm=Arm(shoulder=40, elbow=10),
        far_arm=Arm(shoulder=40, elbow=10),
        props=(Prop("chair", at="pelvis"),),
        mark=(("near", "back_thigh"),),
    ),
    "wall-heel-press": Pose(
        near_leg=Leg(hip=-6, knee=70),
        far_leg=STAND,
        near_arm=HANG,
        far_arm=HANG,
        props=(Prop("wall", at="near_heel"),),
        mark=(("near", "back_thigh"),),
    ),
    "standing-leg-curl": with_ghost(
        Pose(
            near_leg=Leg(hip=-4, knee=95),
            far_leg=STAND,
            near_arm=HANG,
            far_arm=Arm(shoulder=52, elbow=25),
            props=(Prop("desk", at="far_hand"),),
            ghost_at="pelvis",
            arrow=Arrow("near_heel", "swing"),
            mark=(("near", "back_thigh"),),
        ),
        near_leg=STAND,
    ),
    "split-stance-rdl": Pose(
        # The front leg hinges as the deadlift does; the back foot only steadies, toes down.
        lean=60,
        near_leg=Leg(hip=80, knee=18),
        far_leg=Leg(hip=66, knee=56, ankle=20),
        near_arm=ON_HIPS,
        far_arm=ON_HIPS,
        ghost=Pose(near_leg=STAND, far_leg=Leg(hip=-10, knee=30, ankle=50)),
        ghost_at="near_heel",
        arrow=Arrow("head", "swing"),
        mark=(("near", "back_thigh"),),
    ),
    "single-leg-deadlift": Pose(
        lean=75,
        near_leg=Leg(hip=100, knee=25),
        far_leg=Leg(hip=-10, knee=4, ankle=20),
        near_arm=HANG,
        far_arm=Arm(shoulder=110, elbow=10),
        props=(Prop("desk", at="far_hand"),),
        ghost=Pose(near_leg=STAND, far_leg=STAND),
        ghost_at="near_heel",
        arrow=Arrow("head", "swing"),
        mark=(("near", "back_thigh"),),
    ),
    "glute-bridge": Pose(
        lean=-120,
        head_tilt=30,  # the head rests on the floor
        near_leg=Leg(hip=-18, knee=112),
        far_leg=Leg(hip=-18, knee=112),
        near_arm=Arm(shoulder=-12, elbow=0),
        far_arm=Arm(shoulder=-12, elbow=0),
        arrow=Arrow("pelvis", "lift"),
        mark=(("near", "glute"), ("near", "back_thigh")),
    ),
    "bridge-walk-outs": Pose(
        lean=-120,
        head_tilt=30,  # the head rests on the floor
        near_leg=Leg(hip=-18, knee=112),
        far_leg=Leg(hip=-18, knee=112),
        near_arm=Arm(shoulder=-12, elbow=0),
        far_arm=Arm(shoulder=-12, elbow=0),
        arrow=Arrow("pelvis", "rock", shift=(4, 22)),
        mark=(("near", "back_thigh"),),
    ),
    "swiss-ball-curl": Pose(
        # Shoulders on the floor, hips up, heels on top of the ball, knees curled in.
        lean=-135,
        head_tilt=45,
        near_leg=Leg(hip=8, knee=80, ankle=-10),
        far_leg=Leg(hip=8, knee=80, ankle=-10),
        near_arm=Arm(shoulder=-12, elbow=0),
        far_arm=Arm(shoulder=-12, elbow=0),
        props=(Prop("ball", at="near_heel"),),
        arrow=Arrow("near_heel", "rock", shift=(0, 29)),
        mark=(("near", "back_thigh"),),
    ),
    "romanian-deadlift": Pose(
        # Hips back behind the heels, shins upright, the weight against the thighs.
        lean=60,
        near_leg=Leg(hip=80, knee=18),
        far_leg=Leg(hip=80, knee=18),
        near_arm=Arm(shoulder=34, elbow=0),
        far_arm=Arm(shoulder=34, elbow=0),
        props=(Prop("weight", at="near_hand"),),
        ghost=Pose(near_leg=STAND, far_leg=STAND),
        ghost_at="near_heel",
        arrow=Arrow("head", "swing"),
        mark=(("near", "back_thigh"),),
    ),
    "prone-leg-curl": Pose(
        lean=90,
        near_leg=Leg(hip=0, knee=95),
        far_leg=Leg(hip=0, knee=0, ankle=60),
        head_tilt=-20,
        near_arm=Arm(shoulder=150, elbow=150),
        far_arm=Arm(shoulder=150, elbow=150),
        ghost=Pose(lean=90, head_tilt=-20, near_leg=Leg(hip=0, knee=0, ankle=60)),
        ghost_at="pelvis",
        arrow=Arrow("near_heel", "swing"),
        mark=(("near", "back_thigh"),),
    ),
    "machine-leg-curl": Pose(
        # Face down on the machine's bench, the pad behind the heel.
        lean=90,
        near_leg=Leg(hip=0, knee=95),
        far_leg=Leg(hip=0, knee=0, ankle=60),
        head_tilt=-20,
        near_arm=Arm(shoulder=0, elbow=0),
        far_arm=Arm(shoulder=0, elbow=0),
        props=(Prop("bed", at="near_knee"), Prop("weight", at="near_heel")),
        lift=18,
        ghost=Pose(lean=90, head_tilt=-20, near_leg=Leg(hip=0, knee=0, ankle=60)),
        ghost_at="pelvis",
        arrow=Arrow("near_heel", "swing"),
        mark=(("near", "back_thigh"),),
    ),
    "leg-swings": with_ghost(
        Pose(
            near_leg=Leg(hip=45, knee=6),
            far_leg=STAND,
            near_arm=HANG,
            far_arm=TO_DESK_BESIDE,
            props=(DESK_BESIDE,),
            ghost_at="pelvis",
            mark=(("near", "back_thigh"),),
        ),
        near_leg=Leg(hip=-36, knee=8),
    ),
    "good-morning-hinge": Pose(
        # Hips pushed back behind the heels, so the body stays balanced over the feet.
        lean=60,
        near_leg=Leg(hip=82, knee=22),
        far_leg=Leg(hip=82, knee=22),
        near_arm=ON_HIPS,
        far_arm=ON_HIPS,
        ghost=Pose(near_leg=STAND, far_leg=STAND),
        ghost_at="near_heel",
        arrow=Arrow("head", "swing"),
        mark=(("near", "back_thigh"),),
    ),
    "cross-body-toe-reaches": Pose(
        # Seen from the front: feet wide, the far hand reaching across to the near foot.
        view="front",
        fold=120,
        lean=-10,
        roll=10,
        near_leg=Leg(hip=18, knee=4),
        far_leg=Leg(hip=18, knee=4),
        near_arm=Arm(shoulder=150, elbow=0),
        far_arm=Arm(shoulder=-40, elbow=0),
        arrow=Arrow("head", "lift", shift=(-18, 10)),
        mark=(("near", "back_thigh"),),
    ),
}
